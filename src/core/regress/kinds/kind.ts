// What every test kind provides: the keys it takes, a parser that reports problems with their
// lines, and a run function. Kinds are registered in kinds/index.ts.
import type { Fields } from '../fields';
import type { KindContext, TestOutcome } from '../types';

export interface Kind<Spec> {
  name: string;
  /** One line for the Test Explorer and the schema. */
  title: string;
  /** Keys this kind takes besides name, kind and description. */
  keys: readonly string[];
  /** Reads the test's fields; undefined when a problem was reported. */
  parse(f: Fields): Spec | undefined;
  run(spec: Spec, ctx: KindContext): Promise<TestOutcome>;
  /** It reads stored runs only: cheap, and re-run by continuous runs when a run lands. */
  readsRunsOnly?: boolean;
}

/** A problem in running one test that the user must fix (no such run, file or metric). */
export class TestError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'TestError';
  }
}

export function defineKind<Spec>(kind: Kind<Spec>): Kind<Spec> {
  return kind;
}
