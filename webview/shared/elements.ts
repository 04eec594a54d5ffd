// The web components the webviews use, in one place: @vscode-elements/elements today (the
// maintained successor of the archived webview-ui-toolkit), easy to swap later.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';

/** Builds an element with text content only: user data never becomes markup. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function badge(text: string, variant: 'default' | 'counter' | 'activity-bar-counter' | 'tab-header-counter' = 'default'): HTMLElement {
  const node = document.createElement('vscode-badge');
  node.setAttribute('variant', variant);
  node.textContent = text;
  return node;
}
