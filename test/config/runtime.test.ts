import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../src/config/runtime';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

test('npm start runs the server with the V8 settings and the environment the benchmark measures', () => {
  const start = pkg.scripts.start.split(/\s+/);
  for (const flag of SERVER_NODE_FLAGS) expect(start).toContain(flag);
  // `NAME=value node …`: the shell sets these for Node's process (glibc reads MALLOC_ARENA_MAX at start).
  const assignments = start.slice(0, start.indexOf('node'));
  expect(assignments).toEqual(Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`));
  expect(start.indexOf('dist/src/main.js')).toBeGreaterThan(
    Math.max(...SERVER_NODE_FLAGS.map((f) => start.indexOf(f))),
  );
});

test('the systemd unit in docs/ starts the server with the same V8 settings and environment', () => {
  const unit = readFileSync(path.join(__dirname, '../../docs/pisonet.service'), 'utf8');
  const lines = unit.split('\n');
  const exec = lines.find((l) => l.startsWith('ExecStart='));
  expect(exec).toBeDefined();
  const words = (exec as string).split(/\s+/);
  for (const flag of SERVER_NODE_FLAGS) expect(words).toContain(flag);
  for (const [name, value] of Object.entries(SERVER_ENV))
    expect(lines).toContain(`Environment=${name}=${value}`);
});

test('Node accepts the settings and bounds the heap with them', () => {
  const out = execFileSync(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      '-e',
      'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))',
    ],
    { encoding: 'utf8' },
  );
  const limitMiB = Number(out) / 1048576;
  // 512 MB of old generation plus the young generation; without the flags it follows the machine's RAM.
  expect(limitMiB).toBeGreaterThan(500);
  expect(limitMiB).toBeLessThan(600);
});
