import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config/env';
import { AppError, StartRefused } from './lib/errors';
import { projectPath } from './lib/paths';
import { startApp } from './app';

// The project's .env, wherever the process was started from (a service manager's working folder may differ).
dotenv.config({ path: projectPath('.env'), quiet: true });

/** `npm start`: one process serving the admin, the portal and /healthz, polling the router. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nFix these in .env (see .env.example) and start again.`);
      process.exit(1);
    }
    throw err;
  }
  const app = await startApp(config);
  const shutdown = (signal: string) => {
    // Exit within 5 s whatever happens (a stuck router socket must not keep the shop's box hanging).
    setTimeout(() => {
      console.error(`forced exit 5 s after ${signal}`);
      process.exit(1);
    }, 5000).unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('error during shutdown', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // Another controller on this database, a busy port: the message is the whole line.
  if (err instanceof StartRefused) {
    console.error(err.message);
    process.exit(1);
  }
  // A problem the owner can fix (a profiles.json mistake) is one clear message; only our own faults carry a stack.
  const own = !(err instanceof AppError && err.status < 500);
  const text = own ? ((err as Error).stack ?? String(err)) : (err as Error).message;
  console.error(`PisoNet Manager failed to start: ${text}`);
  process.exit(1);
});
