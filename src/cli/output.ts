/**
 * Writing to the terminal when the reader may go away: `mlwb run … | head -3` closes our stdout
 * after three lines. That is normal in a shell, so a closed pipe (EPIPE) silences the stream
 * instead of crashing the process; everything else keeps going (the run is still recorded).
 */
export interface ClosableOutput {
  write: (text: string) => void;
  /** True once the reader has gone. */
  readonly closed: boolean;
}

export function closableOutput(stream: NodeJS.WriteStream): ClosableOutput {
  let closed = false;
  // EPIPE in practice; any other write error leaves nothing better to do with the text either.
  stream.on('error', () => {
    closed = true;
  });
  return {
    write: (text) => {
      if (closed || stream.destroyed) return;
      stream.write(text);
    },
    get closed() {
      return closed;
    },
  };
}
