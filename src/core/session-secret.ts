import crypto from 'node:crypto';
import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';

/** The session secret: from SESSION_SECRET, else generated once and kept in the database. */
export async function sessionSecret(core: { config: AppConfig; db: Db; clock: Clock }): Promise<string> {
  if (core.config.admin.sessionSecret) return core.config.admin.sessionSecret;
  const row = await core.db('settings').where({ key: 'internal.session_secret' }).first();
  if (row) return JSON.parse(row.value) as string;
  const secret = crypto.randomBytes(32).toString('base64url');
  await core
    .db('settings')
    .insert({ key: 'internal.session_secret', value: JSON.stringify(secret), updated_at: core.clock.now() });
  return secret;
}
