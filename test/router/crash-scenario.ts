/**
 * Run in a plain Node process by crash.test.ts (jest installs its own uncaught-exception handling, so the
 * proof that nothing escapes has to come from a process of our own). Prints one JSON line and exits 0.
 */
import { RouterError } from '../../src/domain/errors';
import { createRouterClient } from '../../src/router';
import { encode, FakeRouter } from './fake-router';

const uncaught: string[] = [];
process.on('uncaughtException', (err) => uncaught.push(`uncaughtException: ${err.message}`));
process.on('unhandledRejection', (err) => uncaught.push(`unhandledRejection: ${String(err)}`));

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tagOf = (tag: string | undefined): string[] => (tag === undefined ? [] : [`.tag=${tag}`]);

async function main(): Promise<void> {
  const router = new FakeRouter();
  const port = await router.start();
  // keepalive off so the socket idle timeout (SOCKTMOUT, docs/routeros.md "Idle timeout") really fires.
  const client = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 1,
    logger: silent,
    reconnect: { minMs: 20, maxMs: 50 },
    keepalive: false,
  });
  const results: Record<string, string> = {};
  const code = async (name: string, p: Promise<unknown>): Promise<void> => {
    results[name] = await p.then(
      (v) => `ok ${JSON.stringify(v)}`,
      (e: unknown) => (e instanceof RouterError ? e.code : `non-RouterError ${String(e)}`),
    );
  };
  await client.start();
  await client.waitConnected(2000);
  router.handlers.set('/empty/print', (_w, tag) => [
    ['!empty', ...tagOf(tag)],
    ['!done', ...tagOf(tag)],
  ]);
  router.handlers.set('/late', (_w, tag) => [
    ['!done', ...tagOf(tag)],
    ['!re', ...tagOf(tag), '=a=1'],
    ['!done', ...tagOf(tag)],
  ]);
  router.handlers.set('/weird', (_w, tag) => [
    ['!weird', ...tagOf(tag)],
    ['!done', ...tagOf(tag)],
  ]);
  router.handlers.set('/drop', (_w, _t, socket) => (socket.destroy(), undefined));
  await code('empty', client.print('/empty'));
  await code('late', client.command('/late'));
  router.send([['!re', '.tag=unregistered', '=b=2']]);
  await code('weird', client.command('/weird'));
  await code('drop', client.command('/drop'));
  await client.waitConnected(2000);
  await sleep(1600); // idle longer than timeoutSeconds with nothing in flight
  await client.waitConnected(2000);
  await code('afterIdle', client.command('/system/identity/print'));
  results.logins = String(router.logins);
  await client.stop();
  await router.stop();
  router.send([]); // no sockets left; must be harmless
  void encode;
  process.stdout.write(JSON.stringify({ results, uncaught }) + '\n');
}

main().catch((err: unknown) => {
  process.stdout.write(JSON.stringify({ fatal: String(err), uncaught }) + '\n');
  process.exitCode = 1;
});
