import dotenv from 'dotenv';
import { loadConfig } from '../config/env';
import { ConfigError } from '../domain/errors';
import { openDatabase, migrateLatest } from './knex';
import { projectPath } from '../lib/paths';

dotenv.config({ path: projectPath('.env'), quiet: true });

/** `npm run migrate`: applies pending migrations and says which. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const db = openDatabase(config.database);
  try {
    const applied = await migrateLatest(db);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
        : 'Database is up to date.',
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
});
