/**
 * PostgreSQL for a benchmark: a scratch database on the server `DATABASE_URL` names when it is a postgres:// URL
 * (created for the run and dropped after, so a shop's own database is never written), otherwise a throwaway
 * cluster started the way `scripts/test-pg.sh` starts one (Debian's `postgresql` binaries, durability off, as a
 * non-root user, in a temporary folder) and removed afterwards, also when the bench fails or is interrupted.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl, pgClientConfig } from '../src/config/database-url';

export interface BenchPostgres {
  /** DATABASE_URL of the scratch database (with its password: bench processes only). */
  url: string;
  /** Where it runs, for the report (no password). */
  shown: string;
  /** Drops the scratch database and stops the throwaway cluster if we started one. */
  close(): Promise<void>;
}

/** Why there is no PostgreSQL half: printed instead of its figures. */
export class NoPostgres extends Error {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function pgBinDir(): string | undefined {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions[versions.length - 1], 'bin') : undefined;
}

interface Cluster {
  baseUrl: string;
  version: string;
  /** Synchronous, so it also runs from an exit or signal handler. */
  stop(): void;
}

/** A throwaway cluster on a free loopback port; PostgreSQL refuses root, so it runs as `postgres` then. */
async function startCluster(): Promise<Cluster> {
  const bin = pgBinDir();
  if (!bin)
    throw new NoPostgres(
      'PostgreSQL server binaries not found (install Debian’s postgresql package, set PG_BINDIR, or set DATABASE_URL to a postgres:// URL)',
    );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', [
        '--system',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]);
    }
  }
  const run = (file: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, file), args, { stdio: 'pipe' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-bench-pg-'));
  fs.chmodSync(tmp, 0o755);
  const data = path.join(tmp, 'data');
  let started = false;
  const stop = () => {
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      started = false;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const password = `pisonet-bench-${crypto.randomBytes(9).toString('hex')}`;
    fs.writeFileSync(path.join(tmp, 'pw'), `${password}\n`);
    if (asRoot) execFileSync('chown', ['-R', 'postgres', tmp]);
    run('initdb', [
      '-D',
      data,
      '-U',
      'pisonet',
      `--pwfile=${path.join(tmp, 'pw')}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    const port = await freePort();
    // As the test cluster: durability off (a bench measures the controller, not the disk).
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(tmp, 'server.log'),
      '-w',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${tmp} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
    started = true;
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    const version = /\(PostgreSQL\) (\S+)/.exec(run('postgres', ['--version']).toString())?.[1] ?? '?';
    return { baseUrl: `postgres://pisonet:${password}@127.0.0.1:${port}/postgres`, version, stop };
  } catch (err) {
    const log = path.join(tmp, 'server.log');
    const detail = fs.existsSync(log) ? `\n${fs.readFileSync(log, 'utf8')}` : '';
    stop();
    throw new Error(`could not start a PostgreSQL cluster: ${(err as Error).message}${detail}`);
  }
}

async function onServer<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = parseDatabaseUrl(url, '/');
  if (c.engine !== 'postgres') throw new Error('not a postgres:// URL');
  const client = new pg.Client(pgClientConfig(c));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL for one bench run: a fresh database `pisonet_bench_<random>` on DATABASE_URL's server (its user
 * needs CREATEDB) or on a throwaway cluster. Throws NoPostgres when neither is possible.
 */
export async function openBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.DATABASE_URL?.trim() ?? '';
  const external = /^postgres(ql)?:\/\//.test(given);
  const cluster = external ? undefined : await startCluster();
  // Also on Ctrl-C or a crash: no cluster left running, no folder left behind.
  const onExit = () => cluster?.stop();
  const onSignal = () => {
    onExit();
    process.exit(130);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const base = cluster?.baseUrl ?? given;
  const db = `pisonet_bench_${crypto.randomBytes(6).toString('hex')}`;
  try {
    await onServer(base, (c) => c.query(`CREATE DATABASE ${db}`));
  } catch (err) {
    onExit();
    throw new NoPostgres(
      `could not create a scratch database on ${parseDatabaseUrl(base, '/').shown}: ${(err as Error).message}`,
    );
  }
  const u = new URL(base);
  u.pathname = `/${db}`;
  return {
    url: u.toString(),
    shown: cluster
      ? `PostgreSQL ${cluster.version}, throwaway cluster on loopback (fsync off, as npm run test:pg)`
      : `${parseDatabaseUrl(u.toString(), '/').shown} (DATABASE_URL's server, scratch database)`,
    async close() {
      try {
        await onServer(base, (c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
      } finally {
        onExit();
        process.removeListener('exit', onExit);
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    },
  };
}
