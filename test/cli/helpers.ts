import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import type { Harness } from '../helpers/harness';

export const ROOT = path.join(__dirname, '..', '..');
/**
 * The `pisonet` bin as `npx pisonet` runs it: the compiled terminal when dist/ is current (the install builds it;
 * about a fifth of the processor time of compiling the sources at each start), else the sources through tsx.
 */
export const BIN = path.join(ROOT, 'cli', 'pisonet.js');

/** The environment a CLI child needs to share the harness's database and simulated router. */
export function cliEnv(h: Harness, extra: Record<string, string> = {}): Record<string, string> {
  // Without it the child would use the project's own ./data/pisonet.sqlite (the default), and a later
  // `npm start` would meet a database bound to a test's router.
  if (!h.databaseUrl) throw new Error('cliEnv: the harness has no databaseUrl');
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k] as string;
  return {
    ...env,
    DATABASE_URL: h.databaseUrl,
    DATA_DIR: h.dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(h.sim.port),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: '',
    ROUTER_TIMEOUT_SECONDS: '3',
    PROFILES_FILE: h.config.profilesFile,
    TZ: h.config.tz,
    LOG_LEVEL: 'silent',
    ADMIN_USERNAME: 'admin',
    NO_COLOR: '1',
    ...extra,
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pisonet ...args` as a script would (no terminal), optionally feeding stdin. */
export function runCli(
  h: Harness,
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: cliEnv(h, opts.env), timeout: 60000 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as NodeJS.ErrnoException).code === 'number'
            ? Number((err as NodeJS.ErrnoException).code)
            : -1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const execFileAsync = promisify(execFile);

/**
 * The real menu in a pseudo-terminal: a private tmux server runs the `pisonet` bin (BIN); tests type keys
 * and read the screen (plus scrollback) until the expected text shows up, within a bounded wait.
 */
export class TmuxCli {
  readonly socket = `pisonet-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(args: string[], env?: Record<string, string>): string {
    return execFileSync('tmux', ['-u', '-L', this.socket, ...args], {
      encoding: 'utf8',
      env: env ?? process.env,
    });
  }

  start(env: Record<string, string>, opts: { width?: number; height?: number } = {}): void {
    // The trailing `echo [exit N]; sleep` keeps the pane so the final screen and exit code can be read.
    const cmd = `cd '${ROOT}' && '${process.execPath}' '${BIN}'; echo "[exit $?]"; sleep 600`;
    this.tmux(
      [
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        'cli',
        '-x',
        String(opts.width ?? 80),
        '-y',
        String(opts.height ?? 50),
        cmd,
      ],
      {
        ...env,
        TERM: 'xterm',
      },
    );
    this.tmux(['set-option', '-g', 'history-limit', '5000']);
  }

  /** Keys as tmux names them: `Enter`, `Up`, `C-c`, `BSpace`, or literal text. */
  send(...keys: string[]): void {
    for (const k of keys) {
      if (/^(Enter|Up|Down|Left|Right|BSpace|Escape|Tab|C-[a-z])$/.test(k))
        this.tmux(['send-keys', '-t', 'cli', k]);
      else this.tmux(['send-keys', '-t', 'cli', '-l', '--', k]); // '--': literal text may start with '-' (-50)
    }
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-5000', '-t', 'cli']);
  }

  /**
   * The screen, read without blocking this process: the simulated router and the harness's database live here,
   * and the menu waits on them while tmux reads its pane.
   */
  private async capture(): Promise<string> {
    const { stdout } = await execFileAsync(
      'tmux',
      ['-u', '-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-5000', '-t', 'cli'],
      { encoding: 'utf8' },
    );
    return stdout;
  }

  count(text: string): number {
    return this.screen().split(text).length - 1;
  }

  /** Waits until `text` appears more than `after` times (so earlier screens do not count). */
  async waitFor(text: string, opts: { after?: number; timeoutMs?: number } = {}): Promise<string> {
    const start = Date.now();
    const deadline = start + (opts.timeoutMs ?? 30000);
    const after = opts.after ?? 0;
    for (;;) {
      const screen = await this.capture();
      if (screen.split(text).length - 1 > after) return screen;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${JSON.stringify(text)}; screen:\n${screen.split('\n').slice(-40).join('\n')}`,
        );
      // A menu answers a key within tens of milliseconds: looked at often at first (a suite of some 350 steps
      // paid up to 100 ms at each), then less, for a start or a router that takes seconds.
      await sleep(Date.now() - start < 1000 ? 20 : 100);
    }
  }

  /** Sends keys and waits for the next new occurrence of `text`. */
  async step(keys: string[], text: string, timeoutMs?: number): Promise<string> {
    const after = this.count(text);
    this.send(...keys);
    return this.waitFor(text, { after, timeoutMs });
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
    // tmux leaves the socket file behind; remove ours so /tmp does not collect them.
    const dir = path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    fs.rmSync(path.join(dir, this.socket), { force: true });
  }
}
