// VS Code's own activation figures for ML Workbench. Running Extensions shows
// "Activation: N ms" = codeLoadingTime + activateCallTime; Developer: Startup Performance has the
// split. codeLoadingTime runs from a timestamp taken before an await until our require returns,
// so it includes waiting behind other extensions activated in the same batch.
import type { Harness } from './harness';

export interface ActivationFigures {
  /** The Running Extensions row, as shown. */
  report: string;
  /** Its "Activation: N ms". */
  totalMs: number | null;
  codeLoadingMs?: number;
  activateCallMs?: number;
  activateResolvedMs?: number;
  event?: string;
}

const EXTENSION_ID = 'mlwb.mlwb';

export async function activationFigures(h: Harness): Promise<ActivationFigures> {
  const { page } = h;
  await h.command('Developer: Show Running Extensions');
  const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
  await rows.first().waitFor({ timeout: 20_000 });
  // The list is sorted by activation time and virtualized: a fast activation is rendered only
  // once the list is scrolled down to it.
  const row = rows.filter({ hasText: 'ML Workbench' }).first();
  await rows.first().click();
  for (let i = 0; i < 20 && (await row.count()) === 0; i++) await page.keyboard.press('PageDown');
  await row.waitFor({ timeout: 5000 });
  const report = (await row.innerText()).replace(/\s+/g, ' ').trim();
  const total = /(\d+)\s*ms/.exec(report);
  await h.screenshot('running-extensions');
  // VS Code opens these editors as modal overlays: close each before the next command.
  await page.keyboard.press('Escape');
  return { report, totalMs: total ? Number(total[1]) : null, ...(await startupPerformanceRow(h)) };
}

/** Our row of the "Extension Activation Stats" table; its editor renders only visible lines, so copy its text. */
async function startupPerformanceRow(h: Harness): Promise<Partial<ActivationFigures>> {
  const { page } = h;
  await h.command('Developer: Startup Performance');
  const editor = page.locator('.editor-instance .monaco-editor .view-lines:visible').first();
  await editor.waitFor({ timeout: 20_000 });
  // The editor fills in once the workbench's timers are ready: copy until the table is there.
  for (const until = Date.now() + 20_000; Date.now() < until; await page.waitForTimeout(500)) {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+C');
    const text = await page.evaluate<string>('navigator.clipboard.readText()').catch(() => '');
    const line = text.split('\n').find((l) => l.replace(/\s+/g, '').startsWith(`|${EXTENSION_ID}|`));
    if (!line) continue;
    // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    await page.keyboard.press('Escape');
    return {
      codeLoadingMs: Number(cells[2]),
      activateCallMs: Number(cells[3]),
      activateResolvedMs: Number(cells[4]),
      event: cells[5],
    };
  }
  await page.keyboard.press('Escape');
  return {};
}

/**
 * Waits until the extension host has run its onStartupFinished activations and then logged
 * nothing for `quietMs`: an activation after that is not queued behind startup work.
 */
export async function waitForSettledHost(h: Harness, quietMs = 2000, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const log = h.extensionHostLog();
    if (log !== last) {
      last = log;
      quietSince = Date.now();
    } else if (/activationEvent: 'onStartupFinished'/.test(log) && Date.now() - quietSince >= quietMs) {
      return;
    }
    await h.page.waitForTimeout(250);
  }
  throw new Error('the extension host did not settle: no onStartupFinished activations, or no quiet moment');
}

/** Whether the extension host log shows ML Workbench activated, and on which event. */
export function activationEvent(h: Harness): string | undefined {
  return new RegExp(`_doActivateExtension ${EXTENSION_ID.replace('.', '\\.')}, startup: \\w+, activationEvent: '([^']+)'`).exec(h.extensionHostLog())?.[1];
}
