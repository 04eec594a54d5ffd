// A terminal command that might be a run: a Python program the training-script rule did not
// recognise. Its output is held in memory (bounded) until it shows metrics; then it becomes a
// run with everything it printed so far. `python -m pip list` never shows any, so never a run.
import { OutputMetricParser } from '../capture/outputMetrics';

/** Output kept while undecided; a chatty program past this keeps only its most recent text. */
const MAX_HELD_CHARS = 4 * 1024 * 1024;

export class HeldOutput {
  private readonly parser: OutputMetricParser;
  private chunks: string[] = [];
  private chars = 0;
  private dropped = 0;

  constructor(patterns: string[] = []) {
    this.parser = new OutputMetricParser({ patterns });
  }

  /** Holds a chunk; true once the output so far carries a metric line. */
  push(text: string): boolean {
    this.chunks.push(text);
    this.chars += text.length;
    while (this.chars > MAX_HELD_CHARS && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.chars -= first.length;
      this.dropped += first.length;
    }
    return this.parser.push(text).length > 0;
  }

  /** Whether the output's end (a last line without newline, a final progress bar) carries metrics. */
  endsWithMetrics(): boolean {
    return this.parser.end().length > 0;
  }

  /** What was held, in order, for the run that it turned out to be; and how much was dropped. */
  take(): { chunks: string[]; droppedChars: number } {
    const taken = { chunks: this.chunks, droppedChars: this.dropped };
    this.chunks = [];
    this.chars = 0;
    return taken;
  }
}
