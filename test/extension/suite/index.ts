// The in-host suite in @vscode/test-electron's layout: VS Code loads this file as
// extensionTestsPath and awaits run(); a rejection fails the run.
import { runSuite } from './runner';

export async function run(): Promise<void> {
  const result = await runSuite(__dirname);
  for (const f of result.failures) console.error(`✗ ${f.title}\n  ${f.stack ?? f.message}`);
  console.log(`in-host tests: ${result.passed} passed, ${result.failed} failed, ${result.pending} pending`);
  if (result.failed > 0) throw new Error(`${result.failed} in-host test(s) failed`);
}
