/**
 * PostgreSQL's own client programs (Debian's postgresql-client): pg_dump for backups, pg_restore and psql for
 * restoring them. The one module that runs them. The connection goes in the environment (PGHOST, PGUSER,
 * PGPASSWORD, ...), never on a command line where `ps` would show the password; a program's error comes back
 * as its last lines, with any URL's password masked.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { maskUrlPassword, type PostgresConfig } from '../../../config/database-url';
import { AppError } from '../../../domain/errors';

type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

/** The program's path when it is on PATH, else undefined. */
export function findTool(name: PgTool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTool(name: PgTool, why: string): string {
  const bin = findTool(name);
  if (!bin)
    throw new AppError(
      'BACKUP_TOOL_MISSING',
      `${why} needs PostgreSQL's ${name}, which is not on PATH: install the postgresql-client package (sudo apt-get install postgresql-client)`,
      500,
    );
  return bin;
}

/** This process's environment without any PG* variable, plus the connection of `c`. */
export function pgEnv(c: PostgresConfig, appName: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  return {
    ...env,
    PGHOST: c.host,
    PGPORT: String(c.port),
    PGUSER: c.user,
    PGPASSWORD: c.password,
    PGDATABASE: c.database,
    PGSSLMODE: c.sslmode,
    PGAPPNAME: appName,
    PGCONNECT_TIMEOUT: '20',
  };
}

function failure(tool: PgTool, code: number | null, stderr: string): AppError {
  const lines = maskUrlPassword(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const said = lines.slice(-2).join(' / ') || `exit code ${code}`;
  return new AppError('BACKUP_FAILED', `${tool} failed: ${said}`, 500);
}

interface Run {
  tool: PgTool;
  args: string[];
  env: NodeJS.ProcessEnv;
  stdin?: Readable;
}

/** Runs the program to its end; AppError BACKUP_FAILED with its last error lines when it fails. */
export function runTool(r: Run): Promise<void> {
  const out = runToolStream(r);
  out.resume();
  return new Promise((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
}

/**
 * The program's standard output as a stream that ends only when the program has exited with 0, and fails with
 * its error lines otherwise: a pipeline reading it never takes a failed program's partial output for a whole one.
 */
export function runToolStream(r: Run): Readable {
  const bin = requireTool(r.tool, r.tool === 'pg_dump' ? 'A pg_dump backup' : 'Restoring a pg_dump backup');
  const child = spawn(bin, r.args, { env: r.env, stdio: [r.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  if (r.stdin && child.stdin) {
    // The program may stop reading early (an error): its closed stdin is not ours to report.
    child.stdin.on('error', () => undefined);
    r.stdin.on('error', (err) => {
      child.kill();
      out.destroy(err);
    });
    r.stdin.pipe(child.stdin);
  }
  child.stdout!.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(err));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(failure(r.tool, code, stderr));
  });
  // Whoever reads the output may give up (a disk full): the program is stopped then.
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return out;
}

/** pg_dump refusing a server newer than itself: the export takes its place. */
export function isVersionMismatch(err: unknown): boolean {
  return (
    err instanceof AppError && /server version mismatch|aborting because of server version/i.test(err.message)
  );
}
