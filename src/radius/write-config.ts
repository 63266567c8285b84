/**
 * Writes FreeRADIUS's configuration directory (freeradius-config.ts) to disk: files readable by their owner only
 * (they hold the routers' secrets and the database password in clear, as FreeRADIUS needs them), folders 0700,
 * and the log and run folders FreeRADIUS writes to. Returns the files written, in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PostgresConfig } from '../config/database-url';
import { freeradiusConfig, type FreeRadiusConfigInput } from './freeradius-config';

/** How FreeRADIUS reaches the shop's database: DATABASE_URL's parts. */
export function freeradiusDb(pg: PostgresConfig): FreeRadiusConfigInput['db'] {
  return {
    host: pg.host,
    port: pg.port,
    user: pg.user,
    password: pg.password,
    database: pg.database,
    sslmode: pg.sslmode,
  };
}

export function writeFreeradiusConfig(input: FreeRadiusConfigInput): string[] {
  fs.mkdirSync(input.dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const f of freeradiusConfig(input)) {
    const file = path.join(input.dir, f.path);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, f.content, { mode: 0o600 });
    // A file that existed keeps its old mode through writeFileSync: it holds secrets, so set it.
    fs.chmodSync(file, 0o600);
    written.push(file);
  }
  for (const sub of ['log', 'run']) fs.mkdirSync(path.join(input.dir, sub), { recursive: true, mode: 0o700 });
  return written;
}
