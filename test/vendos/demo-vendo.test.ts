/**
 * The demo's vendo keeps its secret across restarts, as a real board keeps it in flash: a restart adds nothing to
 * the audit log, and the secret it keeps is one the server accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHarness, Harness } from '../helpers/harness';
import { startDemoVendo } from '../../src/vendo-sim/demo';
import { SimulatedVendo } from '../../src/vendo-sim/board';

let h: Harness;
beforeAll(async () => {
  // The board signs with the real time, as the demo's does: the controller runs on the real clock too.
  h = await createHarness({ http: true, fakeClock: false });
}, 60000);
afterAll(async () => {
  await h?.close();
});

/** A board with the kept secret asks once (no long poll): the server lets it in. */
async function keptSecretWorks(id: string, file: string): Promise<number> {
  const board = new SimulatedVendo({ url: h.app!.url, id, secret: fs.readFileSync(file, 'utf8').trim() });
  return (await board.poll(0)).status;
}

const rotations = async () => h.core!.db('audit_log').where({ action: 'vendo.rotate-secret' });

test('a restart reuses the secret: no rotation in the audit log, and the server still lets the board in', async () => {
  const log = h.core!.log;
  const first = await startDemoVendo(h.core!, h.app!.url, log);
  first!.stop();
  const file = path.join(h.core!.config.dataDir, `vendo-sim-${first!.vendoId}.secret`);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(await keptSecretWorks(first!.vendoId, file)).toBe(200);

  const second = await startDemoVendo(h.core!, h.app!.url, log);
  second!.stop();
  expect(second!.vendoId).toBe(first!.vendoId);
  expect(await rotations()).toHaveLength(0);
  expect(await keptSecretWorks(second!.vendoId, file)).toBe(200);

  // The file gone (a wiped data folder): a new secret, made once and audited, and kept again.
  fs.rmSync(file);
  const third = await startDemoVendo(h.core!, h.app!.url, log);
  third!.stop();
  expect(await rotations()).toHaveLength(1);
  expect(await keptSecretWorks(third!.vendoId, file)).toBe(200);
}, 60000);
