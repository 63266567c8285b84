import { fork, type ChildProcess } from 'node:child_process';

/**
 * Forks `file` (a bench module) with `arg` as its role, e.g. the simulated router: a real router is another
 * machine, so its work must not be billed to the controller's process. Runs compiled JS as plain Node and
 * TypeScript sources through tsx. BENCH_CHILD_NODE_ARGS adds Node options to the child only, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the simulated router's time goes.
 */
export function forkBenchChild(file: string, arg: string): ChildProcess {
  return fork(file, [arg], {
    execArgv: [
      ...(file.endsWith('.ts') ? ['--import', 'tsx'] : []),
      ...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
