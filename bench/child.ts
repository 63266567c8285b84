import { fork, type ChildProcess } from 'node:child_process';

/**
 * Forks `file` (a bench module) with `arg` as its role, e.g. the simulated router: a real router is another
 * machine, so its work must not be billed to the controller's process. Runs compiled JS as plain Node and
 * TypeScript sources through tsx.
 */
export function forkBenchChild(file: string, arg: string): ChildProcess {
  return fork(file, [arg], {
    execArgv: file.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
