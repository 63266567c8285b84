import 'dotenv/config';
import { ConfigError, loadConfig } from './config/env';
import { startApp } from './app';

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
  console.error(`PisoNet Manager failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
