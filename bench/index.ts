/**
 * `npm run bench`: builds, then runs every bench/*.bench (compiled, as in production) or those named on
 * the command line (`npm run bench -- poll vouchers`), and prints their figures. Each bench runs in a fresh
 * process so one bench's memory and warm-up never colour another's figures. Loopback only, bounded loops.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SUFFIX = `.bench${path.extname(__filename)}`; // .ts under tsx, .js when compiled

async function runOne(file: string): Promise<void> {
  const mod = (await import(path.join(__dirname, file))) as { run: () => Promise<void> };
  await mod.run();
}

function runInChild(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--one', file], {
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    await runOne(args[1]);
    return 0;
  }
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(SUFFIX))
    .sort()
    .filter((f) => args.length === 0 || args.some((o) => f.startsWith(o)));
  console.log(`PisoNet Manager benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  let failed = 0;
  for (const f of files) {
    console.log(`\n=== ${f.replace(SUFFIX, '')} ===`);
    if ((await runInChild(f)) !== 0) failed++;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
