// Schema changes between the two files (columns added, missing, typed differently), above the
// column table; nothing when the files have the same columns of the same types.
import type { SchemaChanges } from '../../src/core/drift/schema';
import { el } from '../shared/elements';

export function schemaSection(schema: SchemaChanges | undefined): HTMLElement | undefined {
  if (!schema || (!schema.added.length && !schema.missing.length && !schema.typeChanged.length)) return undefined;
  const section = el('section', undefined, 'schema');
  section.dataset.role = 'schema';
  section.append(el('h2', 'Schema changes'));
  const list = el('ul');
  const item = (kind: string, text: string) => {
    const li = el('li', text);
    li.dataset.kind = kind;
    list.append(li);
  };
  if (schema.added.length) item('added', `Added in current (not compared): ${schema.added.join(', ')}`);
  if (schema.missing.length) item('missing', `Missing from current (not compared): ${schema.missing.join(', ')}`);
  for (const t of schema.typeChanged) item('type-changed', `Type changed: ${t.name} — ${t.reference} in reference, ${t.current} in current`);
  section.append(list);
  return section;
}
