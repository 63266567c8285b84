import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { captureConsole, openCliLogs } from '../../cli/lib/log';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-clilog-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = (env: Record<string, string> = {}) =>
  loadConfig({ DATA_DIR: dir, TZ: 'Asia/Manila', LOG_LEVEL: 'info', ...env });

test('the CLI logs to <DATA_DIR>/cli.log: human lines by default, JSON with LOG_FORMAT=json', () => {
  const human = openCliLogs(config());
  expect(human.file).toBe(path.join(dir, 'cli.log'));
  human.log.child({ module: 'router' }).warn({ password: 'pw-1', host: 'r1' }, 'router connect failed');
  human.log.debug('below the level');
  let text = fs.readFileSync(human.file!, 'utf8');
  expect(text).toMatch(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN {2}\[router\] router connect failed password=\[redacted\] host=r1\n$/,
  );

  const json = openCliLogs(config({ LOG_FORMAT: 'json' }));
  json.log.info({ token: 'tok-1' }, 'second');
  text = fs.readFileSync(json.file!, 'utf8');
  const last = JSON.parse(text.trim().split('\n')[1]) as Record<string, unknown>;
  expect(last).toMatchObject({ level: 30, msg: 'second', token: '[redacted]' });
  expect(text).not.toMatch(/pw-1|tok-1/);
});

test('no file when logging is off or the data folder cannot be written; the reason is kept for the menu', () => {
  const silent = openCliLogs(config({ LOG_LEVEL: 'silent' }));
  expect(silent.file).toBeUndefined();
  expect(silent.off).toBe('LOG_LEVEL=silent');
  expect(fs.existsSync(path.join(dir, 'cli.log'))).toBe(false);

  // The data folder is a file: neither root nor anyone else can create cli.log under it.
  const blocked = path.join(dir, 'not-a-folder');
  fs.writeFileSync(blocked, '');
  const off = openCliLogs(loadConfig({ DATA_DIR: blocked, LOG_LEVEL: 'info' }));
  expect(off.file).toBeUndefined();
  expect(off.off).toMatch(/^cannot write .*cli\.log: E[A-Z]+$/);
  expect(() => off.log.warn('goes nowhere')).not.toThrow();
});

test('a log past 5 MB is moved to cli.log.1 when a CLI process opens it', () => {
  const file = path.join(dir, 'cli.log');
  fs.writeFileSync(file, 'x'.repeat(5 * 1024 * 1024 + 1));
  const logs = openCliLogs(config());
  logs.log.info('fresh');
  expect(fs.statSync(`${file}.1`).size).toBe(5 * 1024 * 1024 + 1);
  expect(fs.readFileSync(file, 'utf8')).toMatch(/INFO {2}fresh\n$/);
});

test('while the menu runs, console output and process warnings go to the log, then come back', () => {
  const logs = openCliLogs(config());
  const original = console.error;
  const listeners = process.listeners('warning');
  const restore = captureConsole(logs.log);
  try {
    console.error('library says %s', 'hello');
    console.log({ a: 1 });
    // What process.emitWarning does on the next tick (jest's sandboxed process does not forward it).
    const warning = Object.assign(new Error('careful'), { name: 'DeprecationWarning' });
    process.emit('warning', warning);
  } finally {
    restore();
  }
  expect(console.error).toBe(original);
  expect(process.listeners('warning')).toEqual(listeners);
  const text = fs.readFileSync(logs.file!, 'utf8');
  expect(text).toMatch(/WARN {2}\[console\] library says hello\n/);
  expect(text).toMatch(/INFO {2}\[console\] \{ a: 1 \}\n/);
  expect(text).toMatch(/WARN {2}\[console\] careful warning=DeprecationWarning\n/);
});
