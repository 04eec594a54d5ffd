// The web components the webviews use, in one place: @vscode-elements/elements today (the
// maintained successor of the archived webview-ui-toolkit), easy to swap later.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';

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

export function button(text: string, onClick: () => void, secondary = true): HTMLElement {
  const node = document.createElement('vscode-button');
  if (secondary) node.setAttribute('secondary', '');
  node.textContent = text;
  node.addEventListener('click', onClick);
  return node;
}

/** A labelled checkbox; `onChange` gets the new state. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const node = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  node.textContent = label;
  node.checked = checked;
  node.addEventListener('change', () => onChange(node.checked));
  return node;
}
