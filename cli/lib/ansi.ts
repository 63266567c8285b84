/**
 * Tiny ANSI colour helper. Colour only when it can be seen: never with NO_COLOR, TERM=dumb or when the
 * stream is not a terminal (pipes, files, scripts); FORCE_COLOR=1 forces it on (https://no-color.org).
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export type Colours = ReturnType<typeof makeColours>;

export function makeColours(enabled: boolean) {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;]*m/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, '');
}

/** Colours for standard output and standard error, decided once per process. */
export const out = makeColours(colourEnabled(process.stdout));
export const err = makeColours(colourEnabled(process.stderr));
