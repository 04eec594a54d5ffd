// The Test Explorer's tree for one config file: file → kind → test, each test at its YAML line.
// Ids carry the kind so menus can target kinds (`testId =~ /\|baseline\|/`).
import * as vscode from 'vscode';
import { KINDS } from '../../core/regress/kinds';
import type { TestConfig } from '../../core/regress/config';
import type { TestDefinition } from '../../core/regress/types';

export interface TestRef {
  file: string;
  name: string;
  kind: string;
  readsRunsOnly: boolean;
}

const testId = (file: string, kind: string, name: string) => `${vscode.Uri.file(file).toString()}|${kind}|${name}`;

/** Maps test items back to the tests they stand for. */
export class TestTree {
  private readonly refs = new WeakMap<vscode.TestItem, TestRef>();

  constructor(private readonly controller: vscode.TestController) {}

  ref(item: vscode.TestItem): TestRef | undefined {
    return this.refs.get(item);
  }

  /** Replaces the file's subtree with what `config` declares (tests with problems are left out). */
  update(config: TestConfig, workspaceRelative: string): vscode.TestItem {
    const uri = vscode.Uri.file(config.file);
    const fileItem = this.controller.items.get(uri.toString()) ?? this.controller.createTestItem(uri.toString(), workspaceRelative, uri);
    fileItem.label = workspaceRelative;
    fileItem.range = new vscode.Range(0, 0, 0, 0);
    fileItem.error = config.problems.length
      ? new vscode.MarkdownString(`${config.problems.length} problem${config.problems.length === 1 ? '' : 's'} in this file: see the Problems panel.`)
      : undefined;
    const byKind = new Map<string, TestDefinition[]>();
    for (const t of config.tests) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
    const groups: vscode.TestItem[] = [];
    for (const [kind, tests] of byKind) {
      const groupId = `${uri.toString()}|${kind}`;
      const group = fileItem.children.get(groupId) ?? this.controller.createTestItem(groupId, kind, uri);
      group.description = KINDS.get(kind)?.title;
      group.range = new vscode.Range(tests[0].line - 1, 0, tests[0].line - 1, 0);
      group.children.replace(tests.map((t) => {
        const id = testId(config.file, kind, t.name);
        const item = group.children.get(id) ?? this.controller.createTestItem(id, t.name, uri);
        item.range = new vscode.Range(t.line - 1, 0, t.endLine - 1, 0);
        this.refs.set(item, { file: config.file, name: t.name, kind, readsRunsOnly: KINDS.get(kind)?.readsRunsOnly ?? false });
        return item;
      }));
      groups.push(group);
    }
    fileItem.children.replace(groups);
    if (!this.controller.items.get(fileItem.id)) this.controller.items.add(fileItem);
    return fileItem;
  }

  remove(file: string): void {
    this.controller.items.delete(vscode.Uri.file(file).toString());
  }

  /** The test items under `items` (or all), leaves only. */
  leaves(items: readonly vscode.TestItem[] | undefined, exclude: readonly vscode.TestItem[] = []): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    const skip = new Set(exclude.map((i) => i.id));
    const visit = (item: vscode.TestItem) => {
      if (skip.has(item.id)) return;
      if (this.refs.has(item)) out.push(item);
      item.children.forEach(visit);
    };
    if (items) items.forEach(visit);
    else this.controller.items.forEach(visit);
    return out;
  }
}
