// The e2e harness: the packaged extension in code-server, driven by Playwright in Debian's
// Chromium. Everything it starts (code-server's process group, the browser) is stopped in
// close(), which the tests call in a `finally`, whatever failed.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { ensureCodeServer, installExtension, startCodeServer, writeUserSettings, type CodeServer } from '../../../scripts/lib/codeServer';
import { REPO } from '../../../scripts/lib/paths';
import { packageExtension } from '../../../scripts/package';
import { Store } from '../../../src/core/store/store';
import type { RunRecord } from '../../../src/core/store/types';

export const RESULTS = path.join(REPO, 'test-results', 'e2e');
/** Figures of every e2e file, one section each; kept when a harness clears its folder. */
export const FIGURES = path.join(RESULTS, 'figures.json');

export interface HarnessOptions {
  /** Its own results folder (screenshots, logs, user data, workspace), e.g. under RESULTS; cleared first. */
  dir: string;
  /** An empty workspace folder instead of the demo project. */
  emptyWorkspace?: boolean;
  /** Further VSIX files installed after the extension's (e.g. the in-host tests' companion). */
  moreVsix?: string[];
  /** Extra environment for code-server (its extension host inherits it). */
  env?: NodeJS.ProcessEnv;
}

export interface Harness {
  page: Page;
  workspace: string;
  userDataDir: string;
  dir: string;
  server: CodeServer;
  screenshot(name: string): Promise<string>;
  command(title: string): Promise<void>;
  typeInTerminal(line: string): Promise<void>;
  /** Opens a workspace file through Quick Open: `query` typed, the first row showing `row` taken. */
  openFile(query: string, row: string): Promise<void>;
  findFrame(selector: string, timeoutMs?: number): Promise<Frame>;
  /**
   * Selects exactly the rows of `list` whose text has each of `names` (a click, then Ctrl-clicks),
   * checked against the list's own selection and made again until it holds: a click that lands while
   * the list re-renders, or while an editor it opened takes focus, can select one row instead of two.
   */
  selectRows(list: Locator, names: string[]): Promise<void>;
  /** Clicks a context-menu item until its menu closes: a menu opened while an editor takes focus can ignore a click. */
  chooseMenuItem(item: Locator): Promise<void>;
  /** The workspace store's runs, read as the CLI would (what a user checks with `mlwb runs ls`). */
  storedRuns(): RunRecord[];
  extensionLog(): string;
  /** The extension host's own log: which extension activated when, and on which event. */
  extensionHostLog(): string;
  close(): Promise<void>;
}

/** A git repository with the demo project, so runs have git state to record. */
function prepareWorkspace(dir: string, extraFiles: Record<string, string>): void {
  cpSync(path.join(REPO, 'demo'), dir, { recursive: true, filter: (p) => !p.includes('.mlwb') && !p.includes('__pycache__') });
  for (const [name, content] of Object.entries(extraFiles)) writeFileSync(path.join(dir, name), content);
  const git = (...args: string[]) => execFileSync('git', args, {
    cwd: dir, stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' },
  });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo');
}

/** The VSIX: packaged once by scripts/test.mjs for all e2e files (MLWB_VSIX), or here when a file runs alone. */
async function extensionVsix(): Promise<string> {
  const given = process.env.MLWB_VSIX;
  return given && existsSync(given) ? given : packageExtension();
}

/** Merges `values` into figures.json under `section`, with when they were measured. */
export function recordFigures(section: string, values: Record<string, unknown>): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FIGURES, 'utf8')) as Record<string, unknown>;
  } catch {
    // none yet
  }
  all[section] = { measuredAt: new Date().toISOString(), ...values };
  mkdirSync(path.dirname(FIGURES), { recursive: true });
  writeFileSync(FIGURES, JSON.stringify(all, null, 2));
}

export async function startHarness(settings: Record<string, unknown>, extraFiles: Record<string, string> = {},
  options: HarnessOptions): Promise<Harness> {
  const { dir } = options;
  // Each e2e file clears only its own folder, so an earlier file's failure screenshots survive the run.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'screenshots'), { recursive: true });
  const vsix = await extensionVsix();
  await ensureCodeServer();
  const workspace = path.join(dir, 'workspace');
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  if (options.emptyWorkspace) mkdirSync(workspace, { recursive: true });
  else prepareWorkspace(workspace, extraFiles);
  writeUserSettings(userDataDir, settings);
  for (const file of [vsix, ...(options.moreVsix ?? [])]) await installExtension(file, { userDataDir, extensionsDir });

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  try {
    server = await startCodeServer({ userDataDir, extensionsDir, folder: workspace, logFile: openSync(path.join(dir, 'code-server.log'), 'w'), env: options.env });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // Clipboard access: activationFigures() copies the Startup Performance editor's text.
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, permissions: ['clipboard-read', 'clipboard-write'] });
    // Under a loaded machine the workbench page can take well over the default 30 s to load.
    await page.goto(server.folderUrl, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const srv = server;
    return {
      page, workspace, userDataDir, dir, server: srv, close,
      async screenshot(name) {
        const file = path.join(dir, 'screenshots', `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async command(title) {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill(`>${title}`);
        // The palette focuses its best fuzzy match, which can be another command ("Terminal: Focus
        // Next Terminal Group" for "Terminal: Focus Terminal"): click the row labelled exactly so.
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name').getByText(title, { exact: true }) });
        await row.first().click();
      },
      async typeInTerminal(line) {
        // A terminal that is still starting drops keys: type, check the echo, retype if it is incomplete.
        const rows = page.locator('.terminal-wrapper .xterm-rows:visible').first();
        let lastText = '';
        for (let attempt = 0; attempt < 8; attempt++) {
          // Focus by click where the terminal is visible; `Terminal: Focus Terminal` did it otherwise.
          await page.locator('.terminal-wrapper .xterm:visible').first().click({ timeout: 3000 }).catch(() => undefined);
          await page.keyboard.press('Control+U');
          await page.keyboard.type(line, { delay: 10 });
          // The echo trails the keystrokes: poll it for a while.
          let echoed = false;
          for (const until = Date.now() + 4000; !echoed && Date.now() < until; await page.waitForTimeout(100)) {
            lastText = await rows.innerText({ timeout: 2000 }).then((t) => t.replace(/\s+/g, ' ')).catch((e: Error) => e.message);
            // Spans of the DOM renderer (cursor, colours) split words: compare without blanks.
            echoed = lastText.replace(/\s+/g, '').includes(line.replace(/\s+/g, ''));
          }
          if (echoed) {
            await page.keyboard.press('Enter');
            return;
          }
          await page.waitForTimeout(1000);
        }
        throw new Error(`the terminal did not take: ${line}; it shows: ${lastText.slice(-300)}`);
      },
      async openFile(query, row) {
        // A file just written may not be in Quick Open's index yet: ask again until it is.
        for (let attempt = 1; ; attempt++) {
          await page.keyboard.press('Control+P');
          await page.locator('.quick-input-widget input').fill(query);
          const found = await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first()
            .waitFor({ timeout: 10_000 }).then(() => true, () => false);
          if (found) break;
          await page.keyboard.press('Escape');
          if (attempt === 6) throw new Error(`Quick Open never listed ${query}`);
        }
        await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().click();
      },
      storedRuns() {
        const store = Store.open({ cwd: workspace, storeDir: path.join(workspace, '.mlwb'), create: false });
        try {
          return store.listRuns();
        } finally {
          store.close();
        }
      },
      async findFrame(selector, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          for (const frame of page.frames()) {
            if (await frame.locator(selector).count().catch(() => 0)) return frame;
          }
          await page.waitForTimeout(200);
        }
        throw new Error(`no frame shows ${selector}`);
      },
      async selectRows(list, names) {
        const row = (name: string) => list.locator('.monaco-list-row', { hasText: name }).first();
        const selected = () => list.locator('.monaco-list-row[aria-selected="true"]').allInnerTexts();
        let last: string[] = [];
        for (let attempt = 1; attempt <= 6; attempt++) {
          await row(names[0]).click();
          for (const name of names.slice(1)) await row(name).click({ modifiers: ['Control'] });
          for (const until = Date.now() + 2000; Date.now() < until; await page.waitForTimeout(200)) {
            last = await selected();
            if (last.length === names.length && names.every((n) => last.some((text) => text.includes(n)))) return;
          }
        }
        throw new Error(`the list never held the selection ${names.join(', ')}; it holds: ${last.join(' | ') || 'nothing'}`);
      },
      async chooseMenuItem(item) {
        await item.click();
        for (let attempt = 0; attempt < 4; attempt++) {
          await page.waitForTimeout(500);
          if (!(await item.isVisible().catch(() => false))) return;
          await item.click().catch(() => undefined);
        }
      },
      extensionLog() {
        const file = findFile(path.join(userDataDir, 'logs'), 'ML Workbench.log');
        return file ? readFileSync(file, 'utf8') : '';
      },
      extensionHostLog() {
        const file = findFile(path.join(userDataDir, 'logs'), 'remoteexthost.log');
        return file ? readFileSync(file, 'utf8') : '';
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function findFile(dir: string, name: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const p = path.join(dir, entry);
    if (entry === name) return p;
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}
