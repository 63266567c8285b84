/**
 * Removing a vendo (the service's rule, the same for the terminal menu, `pisonet vendos remove` and the API): only one
 * that was never used goes; one that opened a coin window or took a coin is refused (VENDO_HAS_HISTORY) with
 * nothing changed, its ledger kept, and switching it off is offered instead.
 */
import { createHarness, Harness } from '../helpers/harness';
import { addDevice } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';
import { runCli } from '../cli/helpers';
import { adminApi, ledger, makeVendo, Phone } from './helpers';

describe('removing a vendo', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(() => h.close());

  it('a vendo never used is removed (audited); one with coins is refused and kept', async () => {
    const unused = await makeVendo(h, { name: 'Typo box' });
    const removed = await h.core!.services.vendos.remove(unused.id, SYSTEM);
    expect(removed).toMatchObject({ id: unused.id, name: 'Typo box' });
    expect(await h.core!.db('vendos').where({ id: unused.id })).toHaveLength(0);
    const audit = await h.core!.db('audit_log').where({ action: 'vendo.remove' });
    expect(audit.map((a) => a.target)).toEqual([unused.id]);
    await expect(h.core!.services.vendos.get(unused.id)).rejects.toMatchObject({ code: 'VENDO_NOT_FOUND' });

    const used = await makeVendo(h, { name: 'Counter box' });
    const phone = new Phone(h, addDevice(h, 1));
    await used.board.poll(); // online
    expect((await phone.start(used.id)).status).toBe(200);
    await used.board.poll(); // armed
    expect((await used.board.insertCoin(1)).status).toBe(200);
    await expect(h.core!.services.vendos.remove(used.id, SYSTEM)).rejects.toMatchObject({
      code: 'VENDO_HAS_HISTORY',
      status: 409,
      message: expect.stringMatching(
        /^Vendo Counter box has a history \(1 coin window\(s\), 1 coin\(s\)\) .*Switch it off instead/,
      ),
    });
    expect(await h.core!.db('vendos').where({ id: used.id })).toHaveLength(1);
    expect(await ledger(h, used.id)).toHaveLength(1);
    await expect(h.core!.services.vendos.remove('vendo-nope', SYSTEM)).rejects.toMatchObject({
      code: 'VENDO_NOT_FOUND',
    });
  });

  it('DELETE /admin/api/vendos/:id: the same rule over the API', async () => {
    const spare = await makeVendo(h, { name: 'API spare' });
    const gone = await adminApi(h, 'DELETE', `/vendos/${spare.id}`);
    expect(gone.status).toBe(200);
    expect(gone.json).toMatchObject({ success: true, removed: { id: spare.id, name: 'API spare' } });
    expect((await adminApi(h, 'GET', `/vendos/${spare.id}`)).status).toBe(404);
    const counter = (await h.core!.db('vendos').where({ name: 'Counter box' }).first('id')) as { id: string };
    const refused = await adminApi(h, 'DELETE', `/vendos/${counter.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ success: false, code: 'VENDO_HAS_HISTORY' });
    expect(await h.core!.db('vendos').where({ id: counter.id })).toHaveLength(1);
  });

  it('pisonet vendos remove asks for --yes without a terminal, refuses a used one, removes an unused one', async () => {
    const v = await makeVendo(h, { name: 'Spare box' });
    const noYes = await runCli(h, ['vendos', 'remove', v.id]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('add --yes');
    expect(await h.core!.db('vendos').where({ id: v.id })).toHaveLength(1);
    const gone = await runCli(h, ['vendos', 'remove', v.id, '--yes']);
    expect(gone.stderr).toBe('');
    expect(gone.stdout).toContain(`Vendo Spare box (${v.id}) removed.`);
    expect(await h.core!.db('vendos').where({ id: v.id })).toHaveLength(0);

    const counter = (await h.core!.db('vendos').where({ name: 'Counter box' }).first('id')) as { id: string };
    const refused = await runCli(h, ['vendos', 'remove', counter.id, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Vendo Counter box has a history .* \(VENDO_HAS_HISTORY\)/);
  }, 90_000);
});
