/**
 * Logs never reach the terminal faces: the REAL menu in a pseudo-terminal (tmux) keeps its screen while
 * the router drops and comes back (the lines go to <DATA_DIR>/cli.log and the state shows above the main
 * menu), and a failing subcommand writes exactly its one `error:` line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHarness, Harness } from '../helpers/harness';
import { cliEnv, runCli, TmuxCli } from './helpers';

jest.setTimeout(120000);

let h: Harness;
const tmux = new TmuxCli();
const logFile = () => path.join(h.dir, 'cli.log');
const logText = () => (fs.existsSync(logFile()) ? fs.readFileSync(logFile(), 'utf8') : '');
const count = (text: string, part: string) => text.split(part).length - 1;

/** What a log line looks like on screen, in any format: pino JSON, or a human line's time and level. */
const LOG_TEXT = [
  /\{"level"/,
  /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
  /\b(WARN|INFO|ERROR|DEBUG)\b/,
  /router connect/,
];

async function until(what: string, ok: () => boolean, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log file:\n${logText()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
});

afterAll(async () => {
  tmux.kill();
  await h?.close();
});

test('the menu: router drops and comes back; the screen shows the state, the log file gets the lines', async () => {
  // Logging on (the other CLI tests run silent), human lines, as an operator's .env would have it.
  tmux.start(cliEnv(h, { LOG_LEVEL: 'info', NO_COLOR: '' }));
  let screen = await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
  expect(screen).toContain(`logs ${logFile()}`);
  expect(screen).toMatch(/router: connected · MikroTik/);
  await until('the connect line', () => logText().includes('router connected'));

  h.sim.setReachable(false);
  try {
    // The menu's connection notices the drop while its prompt is open, and fails to reconnect.
    await until('the drop and a failed reconnect', () => /router connect failed/.test(logText()));
    // Drawing the main menu again shows the new state, and where the details are.
    await tmux.step(['5', 'Enter'], 'Sales this month');
    screen = await tmux.step(['0', 'Enter'], 'router: not reachable (last error:');
    // The temp path is long: the pointer to the log gets its own line under the state.
    expect(screen).toMatch(/router: not reachable \(last error: [^)\n]+\)\n {2}logs: \/tmp\/.*cli\.log\n/);
  } finally {
    h.sim.setReachable(true);
  }
  await until('the reconnect', () => count(logText(), 'router connected') >= 2);
  const connected = tmux.count('router: connected · MikroTik');
  await tmux.step(['5', 'Enter'], 'Sales this month');
  screen = await tmux.step(['0', 'Enter'], 'router: connected · MikroTik');
  expect(tmux.count('router: connected · MikroTik')).toBe(connected + 1);

  // Not one log line on the screen (scrollback included) ...
  for (const re of LOG_TEXT) expect(screen).not.toMatch(re);
  // ... while the file has every one of them, as human lines in the shop's time zone.
  const lines = logText().trim().split('\n');
  const drop = lines.find((l) => l.includes('router connection dropped'));
  expect(drop).toMatch(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN {2}\[router\] router connection dropped host=127\.0\.0\.1 /,
  );
  expect(
    lines.some((l) => / WARN {2}\[router\] router connect failed .*code=ROUTER_UNREACHABLE/.test(l)),
  ).toBe(true);
  expect(lines.every((l) => !l.startsWith('{'))).toBe(true);

  screen = await tmux.step(['C-c'], '[exit 0]');
  expect(screen).toContain('Bye.');
});

test('a failing subcommand writes exactly one error: line, and its logs go to the file', async () => {
  const before = count(logText(), 'router connect failed');
  h.sim.setReachable(false);
  try {
    const r = await runCli(h, ['users', 'kick', '02:AA:00:00:00:41'], {
      env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ROUTER_TIMEOUT_SECONDS: '1' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: The router is not reachable right now \(no connection to 127\.0\.0\.1:\d+: .*\)\. Nothing was changed; try again shortly\. \(ROUTER_UNREACHABLE\)\n$/,
    );
  } finally {
    h.sim.setReachable(true);
  }
  // LOG_FORMAT=json: the file gets pino's JSON lines for this run.
  const json = logText()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(json.some((l) => l.msg === 'router connect failed' && l.level === 40)).toBe(true);
  expect(count(logText(), 'router connect failed')).toBeGreaterThan(before);

  // A success with logging at its most talkative: stderr stays empty.
  const ok = await runCli(h, ['profiles', 'list', '--json'], { env: { LOG_LEVEL: 'debug' } });
  expect(ok.code).toBe(0);
  expect(ok.stderr).toBe('');
  expect(JSON.parse(ok.stdout)).toHaveProperty('profiles');
});
