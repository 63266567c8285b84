/**
 * Ctrl-D in a menu prompt: Node's readline closes its interface on Ctrl-D (end of input), and the prompt library
 * then waits forever on a closed interface: the menu froze. Operators press Ctrl-D to get out, so it means what
 * Ctrl-C means here: back (or, at the main menu, exit). The key is rewritten before readline sees it.
 */
const CTRL_D = '\u0004';
const CTRL_C = '\u0003';

export function treatCtrlDAsCtrlC(stdin: NodeJS.ReadStream): void {
  const emit = stdin.emit.bind(stdin) as (event: string | symbol, ...args: unknown[]) => boolean;
  stdin.emit = ((event: string | symbol, ...args: unknown[]) => {
    const chunk = args[0];
    if (event === 'data' && (Buffer.isBuffer(chunk) || typeof chunk === 'string')) {
      const text = chunk.toString();
      if (text.includes(CTRL_D)) {
        const swapped = text.split(CTRL_D).join(CTRL_C);
        args[0] = Buffer.isBuffer(chunk) ? Buffer.from(swapped) : swapped;
      }
    }
    return emit(event, ...args);
  }) as typeof stdin.emit;
}

/**
 * A reader that stops early (`pisonet backup | head -1`) closes the pipe: the rest of the output has nowhere to
 * go, which is what the operator asked for. The command still finishes its work (the backup is made) and exits
 * with its own code; only the writes nobody reads are dropped, instead of an EPIPE stack on the screen.
 */
export function dropOutputToClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}
