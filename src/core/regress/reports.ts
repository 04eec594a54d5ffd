// What `mlwb test` writes: JUnit XML for CI systems, a Markdown table for pull-request comments,
// and JSON for scripts. File names are shown relative to `cwd`.
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestResult } from './types';

const rel = (cwd: string, file: string) => path.relative(cwd, file).split(path.sep).join('/') || path.basename(file);

/** Text safe in XML 1.0 attributes and content: escaped, characters XML forbids dropped. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function failureBody(r: TestResult): string {
  const lines = r.checks.filter((c) => !c.ok).map((c) => `${c.label}\n  expected: ${c.expected}\n  actual:   ${c.actual}${c.change ? `\n  change:   ${c.change}` : ''}`);
  if (r.diff) lines.push(r.diff);
  if (r.runId) lines.push(`run: ${r.runId}${r.baselineRunId ? `, baseline: ${r.baselineRunId}` : ''}`);
  return lines.join('\n');
}

export function junitXml(results: readonly TestResult[], cwd: string, timestamp = new Date()): string {
  const byFile = new Map<string, TestResult[]>();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const count = (rs: readonly TestResult[], s: TestResult['status']) => rs.filter((r) => r.status === s).length;
  const total = (rs: readonly TestResult[]) => rs.reduce((t, r) => t + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mlwb test" tests="${results.length}" failures="${count(results, 'failed')}" errors="${count(results, 'errored')}" time="${seconds(total(results))}">`];
  for (const [file, rs] of byFile) {
    out.push(`  <testsuite name="${xml(rel(cwd, file))}" tests="${rs.length}" failures="${count(rs, 'failed')}" errors="${count(rs, 'errored')}" skipped="0" time="${seconds(total(rs))}" timestamp="${timestamp.toISOString().slice(0, 19)}" hostname="${xml(os.hostname())}">`);
    for (const r of rs) {
      const open = `    <testcase name="${xml(r.name)}" classname="${xml(`${rel(cwd, file)}.${r.kind}`)}" time="${seconds(r.durationMs)}"`;
      const inner: string[] = [];
      if (r.status === 'errored') inner.push(`      <error message="${xml(r.message)}" type="${xml(r.kind)}">${xml(r.message)}</error>`);
      if (r.status === 'failed') inner.push(`      <failure message="${xml(r.message.split('\n')[0])}" type="${xml(r.kind)}">${xml(failureBody(r))}</failure>`);
      if (r.output.length) inner.push(`      <system-out>${xml(r.output.join('\n'))}</system-out>`);
      out.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

const cell = (text: string) => (text || '—').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const STATUS = { passed: '✅ passed', failed: '❌ failed', errored: '⚠️ error' } as const;

/** A Markdown table fit for a pull-request comment. */
export function markdownTable(results: readonly TestResult[], cwd: string): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  const lines = [`**mlwb test**: ${passed} of ${results.length} passed`, '',
    '| Test | Status | Expected | Actual | Change since baseline |', '| --- | --- | --- | --- | --- |'];
  for (const r of results) {
    const change = r.checks.map((c) => c.change).filter(Boolean).join('; ');
    const expected = r.status === 'errored' ? r.message.replace(/^.*?:\d+: /, '') : r.expected;
    lines.push(`| ${cell(`${r.name} (${rel(cwd, r.file)}:${r.line})`)} | ${STATUS[r.status]} | ${cell(expected)} | ${cell(r.actual)} | ${cell(change)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The `--json` contract: every result, file names relative to cwd. */
export function resultsJson(results: readonly TestResult[], cwd: string): object {
  const count = (s: TestResult['status']) => results.filter((r) => r.status === s).length;
  return {
    summary: { tests: results.length, passed: count('passed'), failed: count('failed'), errored: count('errored') },
    results: results.map((r) => ({ ...r, file: rel(cwd, r.file) })),
  };
}
