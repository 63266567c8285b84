/**
 * The server's long-running pieces are parts one loop starts in order and stops in reverse (src/server-parts.ts,
 * src/jobs/parts.ts): the web app first (so the demo's coin board can register with it) and stopped last, after
 * the jobs have finished their runs.
 */
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('the server starts its parts in order and, stopped, leaves none running', async () => {
  h = await createHarness({ http: true, env: { BACKUP_EVERY: '1d' } });
  const app = h.app!;
  expect(app.parts).toEqual([
    'web',
    'usage-poll',
    'session-sweep',
    'router-checks',
    'payments-poll',
    'notifier',
    'billing',
    'sms',
    'backups',
  ]);
  expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  await app.stop();
  expect(app.server.listening).toBe(false);
});
