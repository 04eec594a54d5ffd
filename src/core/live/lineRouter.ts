// Which Python program of a command line printed which part of its output. With the terminal
// hook's marks (`programMarks.ts`) each program's output is its own, from its start mark to its
// end mark; without them (a terminal opened before the extension, no /dev/tty) the line stays one
// run of its primary program, as a shell sees it.
import { type LineProgram, type ProgramEnd, markIsProgram, programEnd, statusOfExit } from './compoundLine';
import type { ListOperator } from '../detect/shellWords';
import type { TerminalEvent } from './programMarks';

export interface RoutedProgram extends LineProgram {
  /** Its index among the line's simple commands. */
  position: number;
}

/** How a program ended, and when (its end mark; absent: the line's end). */
export interface TimedEnd extends ProgramEnd {
  endTime?: number;
}

export type RouteAction =
  /** The program started (or, unmarked, printed first): its run or held output begins. */
  | { kind: 'begin'; program: number }
  | { kind: 'output'; program: number; text: string }
  /** The program ended and the next one started, so how it ended is known: its run ends now. */
  | { kind: 'end'; program: number; outcome: TimedEnd };

/** How a begun program ended; `discard`: begun on unmarked output that marks then showed was not its own. */
export type ProgramOutcome = TimedEnd | 'discard';

const TAIL_CHARS = 4096;

export class LineRouter {
  private current: number | undefined;
  private marked = false;
  private readonly begun = new Set<number>();
  /** Programs seen starting, in order. */
  private readonly started: number[] = [];
  /** When each program's end mark came. */
  private readonly endedAt = new Map<number, number>();
  /** Programs whose end was already reported by an `end` action. */
  private readonly ended = new Set<number>();
  /** Top-level Python processes that marked: the program they are, or null for one not in the line. */
  private readonly pids = new Map<number, number | null>();
  private readonly tails: string[];

  constructor(
    private readonly programs: readonly RoutedProgram[],
    private readonly operators: readonly (ListOperator | undefined)[],
    private readonly primary: number,
  ) {
    this.tails = programs.map(() => '');
  }

  /** A line with one Python program: all its output is that program's, marks or not. */
  get single(): boolean {
    return this.programs.length === 1;
  }

  /** What happens at the line's start: a single program begins at once. */
  start(): RouteAction[] {
    if (!this.single) return [];
    this.current = this.primary;
    return this.begin(this.primary);
  }

  push(event: TerminalEvent): RouteAction[] {
    if (this.single) return event.kind === 'text' ? this.output(this.primary, event.text) : [];
    if (event.kind === 'start') return this.onStartMark(event.pid, event.argv);
    if (event.kind === 'end') {
      const program = this.pids.get(event.pid);
      if (program !== undefined && program !== null) this.endedAt.set(program, Date.now());
      if (program !== undefined && program === this.current) this.current = undefined;
      return [];
    }
    if (this.current !== undefined) return this.output(this.current, event.text);
    // No mark yet and the line prints: this terminal may have no hook. The primary takes the output
    // until a mark says otherwise. Output between marked programs (`echo`, `cd`) is nobody's.
    if (!this.marked && event.text.trim()) {
      this.current = this.primary;
      return [...this.begin(this.primary), ...this.output(this.primary, event.text)];
    }
    return [];
  }

  /** How each begun program ended, given the line's exit code. */
  finish(lineExit: number | undefined): Map<number, ProgramOutcome> {
    const outcomes = new Map<number, ProgramOutcome>();
    for (const program of this.begun) {
      if (this.ended.has(program)) continue;
      if (!this.marked || this.single) {
        outcomes.set(program, { status: statusOfExit(lineExit), exitCode: lineExit ?? null });
        continue;
      }
      const order = this.started.indexOf(program);
      if (order < 0) {
        outcomes.set(program, 'discard');
        continue;
      }
      outcomes.set(program, this.outcome(program, this.started[order + 1], lineExit));
    }
    return outcomes;
  }

  /** Whether marks were seen: the output was split per program. */
  get split(): boolean {
    return this.marked && !this.single;
  }

  hasBegun(program: number): boolean {
    return this.begun.has(program);
  }

  private onStartMark(pid: number, argv: readonly string[]): RouteAction[] {
    this.marked = true;
    const last = this.started.length ? this.started[this.started.length - 1] : -1;
    const program = this.programs.findIndex((p, i) => i > last && markIsProgram(p, argv));
    if (program < 0) {
      this.pids.set(pid, null);
      this.current = undefined;
      return [];
    }
    this.pids.set(pid, program);
    // The programs before it are over, and how they ended follows from this one starting.
    const ends: RouteAction[] = this.started.filter((p) => this.endedAt.has(p) && this.begun.has(p) && !this.ended.has(p)).map((p) => {
      this.ended.add(p);
      return { kind: 'end', program: p, outcome: this.outcome(p, program, undefined) };
    });
    this.started.push(program);
    this.current = program;
    return [...ends, ...this.begin(program)];
  }

  private outcome(program: number, next: number | undefined, lineExit: number | undefined): TimedEnd {
    const end = programEnd(this.operators, this.programs[program].position,
      next === undefined ? undefined : this.programs[next].position, lineExit, this.tails[program]);
    const endTime = this.endedAt.get(program);
    return endTime === undefined ? end : { ...end, endTime };
  }

  private begin(program: number): RouteAction[] {
    if (this.begun.has(program)) return [];
    this.begun.add(program);
    return [{ kind: 'begin', program }];
  }

  private output(program: number, text: string): RouteAction[] {
    if (!text) return [];
    this.tails[program] = (this.tails[program] + text).slice(-TAIL_CHARS);
    return [{ kind: 'output', program, text }];
  }
}
