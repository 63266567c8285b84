import dotenv from 'dotenv';
import { loadConfig } from './config/env';
import { ConfigError, AppError, StartRefused } from './domain/errors';
import { projectPath } from './lib/paths';
import { startApp } from './app';

// The project's .env, wherever the process was started from (a service manager's working folder may differ).
dotenv.config({ path: projectPath('.env'), quiet: true });

/** `npm start`: one process serving the admin, the portal and /healthz, polling the router. */
async function main(): Promise<void> {
  // A mistake in .env is the catch below's to say (a ConfigError), before any signal is taken.
  const config = loadConfig(process.env);
  // Signals are taken from the start: one that arrives while the app is still starting (the demo's coin board
  // registers after the server listens) stops it as soon as it is up, instead of killing it half-way.
  type App = Awaited<ReturnType<typeof startApp>>;
  const started: { app?: App } = {};
  let stopping = false;
  const stop = (running: App) =>
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('error during shutdown', err);
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Exit within 5 s whatever happens (a stuck router socket must not keep the shop's box hanging).
    setTimeout(() => {
      console.error(`forced exit 5 s after ${signal}`);
      process.exit(1);
    }, 5000).unref();
    if (started.app) void stop(started.app);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  started.app = await startApp(config);
  if (stopping) void stop(started.app);
}

main().catch((err: unknown) => {
  // .env's problems, and a setting found unusable on opening (DATABASE_URL's file).
  if (err instanceof ConfigError) {
    console.error(`${err.message}\nFix these in .env (see .env.example) and start again.`);
    process.exit(1);
  }
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
