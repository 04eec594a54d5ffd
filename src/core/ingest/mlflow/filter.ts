import { invalid } from './wire';

/**
 * MLflow's search filter language: `<entity>.<key> <op> <value>` clauses joined by AND, e.g.
 * `metrics.acc > 0.9 and params.lr = '0.1' and tags."mlflow.user" LIKE 'a%'`. Keys may be quoted
 * with backticks or double quotes; a key without an entity prefix is an attribute.
 */

export type Entity = 'metric' | 'param' | 'tag' | 'attribute';
export type FilterValue = string | number | null | undefined;
type Literal = string | number;

export interface Identifier {
  entity: Entity;
  key: string;
}

/** How a key is read from an item, and whether it compares as a number or a string. */
export interface Field<T> {
  kind: 'number' | 'string';
  get: (item: T) => FilterValue;
}

interface Clause {
  id: Identifier;
  op: string;
  value: Literal | Literal[] | null;
}

const ENTITIES: Record<string, Entity> = {
  metric: 'metric', metrics: 'metric',
  param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
};

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Matches `re` (sticky) at the current position. */
  take(re: RegExp): RegExpExecArray | undefined {
    this.skipSpace();
    const sticky = new RegExp(re.source, re.flags.includes('y') ? re.flags : re.flags + 'y');
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.text);
    if (!m) return undefined;
    this.pos = sticky.lastIndex;
    return m;
  }

  fail(what: string): never {
    throw invalid(`Invalid filter '${this.text}': expected ${what} at position ${this.pos}.`);
  }

  quoted(): string | undefined {
    const m = this.take(/`([^`]*)`|"((?:[^"\\]|\\.)*)"/);
    return m ? (m[1] ?? m[2].replace(/\\(.)/g, '$1')) : undefined;
  }
}

function identifier(s: Scanner): Identifier {
  const quotedAll = s.quoted();
  if (quotedAll !== undefined) return { entity: 'attribute', key: quotedAll };
  const prefix = s.take(/([A-Za-z_]\w*)(\.)?/) ?? s.fail('a key such as metrics.acc');
  if (!prefix[2]) return { entity: 'attribute', key: prefix[1] };
  const entity = ENTITIES[prefix[1].toLowerCase()];
  if (!entity) throw invalid(`Invalid entity type '${prefix[1]}' in '${s.text}': use metrics, params, tags or attributes.`);
  s.skipSpace();
  const key = s.quoted() ?? s.take(/[\w.\-/:]+/)?.[0] ?? s.fail('a key after the entity');
  return { entity, key };
}

function literal(s: Scanner): Literal {
  const str = s.take(/'((?:[^'\\]|\\.|'')*)'|"((?:[^"\\]|\\.)*)"/);
  if (str) return str[1] !== undefined ? str[1].replace(/''/g, "'").replace(/\\(.)/g, '$1') : str[2].replace(/\\(.)/g, '$1');
  const num = s.take(/[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i);
  if (num) return Number(num[0]);
  return s.fail('a quoted string or a number');
}

function parseClauses(text: string): Clause[] {
  const s = new Scanner(text);
  const clauses: Clause[] = [];
  if (s.done()) return clauses;
  for (;;) {
    const id = identifier(s);
    const opMatch = s.take(/(!=|<>|<=|>=|=|<|>)|(NOT\s+IN|IN|NOT\s+ILIKE|NOT\s+LIKE|ILIKE|LIKE|IS\s+NOT\s+NULL|IS\s+NULL)\b/i) ?? s.fail('a comparison operator');
    const op = (opMatch[1] === '<>' ? '!=' : opMatch[0]).toUpperCase().replace(/\s+/g, ' ');
    let value: Clause['value'] = null;
    if (op === 'IN' || op === 'NOT IN') {
      if (!s.take(/\(/)) s.fail('"(" after IN');
      const list: Literal[] = [literal(s)];
      while (s.take(/,/)) list.push(literal(s));
      if (!s.take(/\)/)) s.fail('")" closing the IN list');
      value = list;
    } else if (!op.startsWith('IS')) {
      value = literal(s);
    }
    clauses.push({ id, op, value });
    if (s.done()) return clauses;
    if (s.take(/OR\b/i)) throw invalid(`Invalid filter '${text}': OR is not supported, only AND.`);
    if (!s.take(/AND\b/i)) s.fail('AND');
  }
}

/** `metrics.acc DESC` → the key and its direction. */
export function parseOrderBy(text: string): Identifier & { desc: boolean } {
  const s = new Scanner(text);
  const id = identifier(s);
  const dir = s.take(/(ASC|DESC)\b/i);
  if (!s.done()) s.fail('ASC, DESC or the end of the order_by clause');
  return { ...id, desc: dir?.[1].toUpperCase() === 'DESC' };
}

function likeRegExp(pattern: string, caseless: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, caseless ? 'is' : 's');
}

/** Compiles a filter into a predicate; `field` says how to read each key (and refuses unknown ones). */
export function compileFilter<T>(text: string, field: (id: Identifier) => Field<T>): (item: T) => boolean {
  const tests = parseClauses(text).map((c) => compileClause(c, field(c.id), text));
  return (item) => tests.every((t) => t(item));
}

function compileClause<T>(c: Clause, f: Field<T>, text: string): (item: T) => boolean {
  const name = `${c.id.entity}s.${c.id.key}`;
  if (c.op === 'IS NULL') return (item) => f.get(item) == null;
  if (c.op === 'IS NOT NULL') return (item) => f.get(item) != null;
  const values = Array.isArray(c.value) ? c.value : [c.value!];
  const wanted = f.kind === 'number' ? 'number' : 'string';
  if (values.some((v) => typeof v !== wanted)) {
    throw invalid(`Invalid filter '${text}': ${name} compares with ${wanted === 'number' ? 'a number' : "a quoted string ('…')"}.`);
  }
  const numericOps = ['=', '!=', '<', '<=', '>', '>='];
  const stringOps = ['=', '!=', 'LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE', 'IN', 'NOT IN'];
  if (!(f.kind === 'number' ? numericOps : stringOps).includes(c.op)) throw invalid(`Invalid filter '${text}': ${c.op} cannot compare ${name}.`);
  const v = values[0];
  const has = (x: FilterValue): x is string | number => x !== null && x !== undefined;
  switch (c.op) {
    case '=': return (item) => { const x = f.get(item); return has(x) && x === v; };
    case '!=': return (item) => { const x = f.get(item); return has(x) && x !== v; };
    case '<': return (item) => { const x = f.get(item); return has(x) && x < v; };
    case '<=': return (item) => { const x = f.get(item); return has(x) && x <= v; };
    case '>': return (item) => { const x = f.get(item); return has(x) && x > v; };
    case '>=': return (item) => { const x = f.get(item); return has(x) && x >= v; };
    case 'IN': return (item) => { const x = f.get(item); return has(x) && values.includes(x); };
    case 'NOT IN': return (item) => { const x = f.get(item); return has(x) && !values.includes(x); };
    default: {
      const re = likeRegExp(String(v), c.op.endsWith('ILIKE'));
      const negate = c.op.startsWith('NOT');
      return (item) => { const x = f.get(item); return has(x) && re.test(String(x)) !== negate; };
    }
  }
}
