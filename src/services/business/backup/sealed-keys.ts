/**
 * After a restore: can the key files of this data folder open the secrets the backup holds sealed? A backup
 * never holds the keys (a stolen backup gives no password away), so the owner keeps them beside it. This only
 * reads the keys, never makes one (a new key would seal nothing the backup holds), and says in one line per key
 * what cannot be opened and what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { AppConfig } from '../../../config/env';
import { parseKey, secretBox } from '../../../lib/secret-box';
import { CREDENTIALS_KEY_FILE } from '../sites/credentials';
import { VENDO_KEY_FILE } from '../../shop/vendos/secrets';

interface Sealed {
  what: string;
  values: string[];
}

function readKey(file: string): Buffer | 'missing' | 'unreadable' {
  try {
    return parseKey(fs.readFileSync(file, 'utf8')) ?? 'unreadable';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

/** How many of `values` the key cannot open. */
function unopened(key: Buffer, values: string[]): number {
  const box = secretBox(key);
  let n = 0;
  for (const v of values) {
    try {
      box.open(v);
    } catch {
      n++;
    }
  }
  return n;
}

function warning(
  s: Sealed,
  keyName: string,
  where: string,
  problem: 'missing' | 'unreadable' | number,
): string {
  const count = typeof problem === 'number' ? problem : s.values.length;
  const what = `${count} of the restored ${s.what}`;
  if (problem === 'missing')
    return `${what} cannot be opened: there is no ${where}. Put the ${keyName} you kept with the backup there before starting the server.`;
  if (problem === 'unreadable')
    return `${what} cannot be opened: ${where} is not a key file. Put the ${keyName} you kept with the backup there before starting the server.`;
  return `${what} cannot be opened with ${where}: it is not the key they were sealed with. Put the ${keyName} you kept with the backup there, or enter them again after starting.`;
}

async function sealedValues(db: Knex, table: string, column: string): Promise<string[]> {
  if (!(await db.schema.hasTable(table)) || !(await db.schema.hasColumn(table, column))) return [];
  return ((await db(table).whereNotNull(column).pluck(column)) as string[]).filter(Boolean);
}

/** One line per key that cannot open what it should; none when every sealed secret opens. */
export async function sealedKeyWarnings(db: Knex, config: AppConfig): Promise<string[]> {
  const warnings: string[] = [];
  const credentials: Sealed = {
    what: "sites' router passwords, RADIUS secrets and subscribers' passwords",
    values: [
      ...(await sealedValues(db, 'sites', 'password_enc')),
      ...(await sealedValues(db, 'sites', 'radius_secret_enc')),
      ...(await sealedValues(db, 'subscribers', 'password_enc')),
    ],
  };
  if (credentials.values.length) {
    const file = path.join(config.dataDir, CREDENTIALS_KEY_FILE);
    const key = config.credentialsKey ?? readKey(file);
    const where = config.credentialsKey ? 'CREDENTIALS_KEY (.env)' : file;
    const problem = Buffer.isBuffer(key) ? unopened(key, credentials.values) : key;
    if (problem !== 0)
      warnings.push(warning(credentials, 'credentials.key (or CREDENTIALS_KEY)', where, problem));
  }
  const vendos: Sealed = { what: "vendos' secrets", values: await sealedValues(db, 'vendos', 'secret_enc') };
  if (vendos.values.length) {
    const file = path.join(config.dataDir, VENDO_KEY_FILE);
    const key = readKey(file);
    const problem = Buffer.isBuffer(key) ? unopened(key, vendos.values) : key;
    if (problem !== 0) warnings.push(warning(vendos, VENDO_KEY_FILE, file, problem));
  }
  return warnings;
}
