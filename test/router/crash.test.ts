import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The replies that crashed node-routeros 1.6.9 (docs/routeros.md "node-routeros 1.6.9"), in a process whose
 * uncaught handlers are ours.
 */
test('no reply or socket event escapes as an uncaught exception (plain Node process)', async () => {
  const script = path.join(__dirname, 'crash-scenario.ts');
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script],
      { cwd: path.join(__dirname, '../..'), timeout: 20000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
  const report = JSON.parse(out.trim().split('\n').pop()!) as {
    results: Record<string, string>;
    uncaught: string[];
  };
  expect(report.uncaught).toEqual([]);
  expect(report.results).toEqual({
    empty: 'ok []',
    late: 'ok []',
    weird: 'ROUTER_TRAP',
    drop: 'ROUTER_UNREACHABLE',
    afterIdle: 'ok []',
    // first login, after the drop, after the idle timeout
    logins: '3',
  });
});
