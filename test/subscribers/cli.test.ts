import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { PROFILES } from './helpers';

describe('pisonet subscribers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ profiles: PROFILES });
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds, lists, shows, edits, suspends, resumes and ends a subscriber by id or username', async () => {
    const added = await runCli(h, [
      'subscribers',
      'add',
      '--name',
      'Juan dela Cruz',
      '--mobile',
      '09171234567',
      '--profile',
      'HOME10',
      '--billing-day',
      '5',
      '--username',
      'juan.dc',
      '--json',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { subscriber } = JSON.parse(added.stdout);
    expect(subscriber).toMatchObject({
      account_no: 'S-000001',
      mobile: '+639171234567',
      profile: 'HOME10',
      price: 999,
      price_centavos: 99900,
      billing_day: 5,
      status: 'active',
      usage: { counted_bytes: 0, cap_bytes: 100e9, left_bytes: 100e9 },
    });
    expect(subscriber.password).toMatch(/^[A-Za-z0-9]{16}$/);

    const list = await runCli(h, ['subscribers', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/S-000001\s+1\s+Juan dela Cruz\s+juan\.dc\s+HOME10\s+5\s+active/);

    const shown = await runCli(h, ['subscribers', 'show', 'JUAN.DC']);
    expect(shown.stdout).toContain(`password:    ${subscriber.password}`);

    const edited = await runCli(h, ['subscribers', 'edit', 'juan.dc', '--profile', 'HOME25', '--json']);
    expect(JSON.parse(edited.stdout).subscriber).toMatchObject({ profile: 'HOME25', price: 1499 });

    const suspended = await runCli(h, ['subscribers', 'suspend', '1', '--reason', 'unpaid']);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain('status:      suspended (unpaid), until resumed');
    expect((await runCli(h, ['subscribers', 'resume', '1'])).code).toBe(0);
    // Until paid needs something past due: refused now, nothing changed.
    const untilPaid = await runCli(h, [
      'subscribers',
      'suspend',
      '1',
      '--reason',
      'pay first',
      '--until-paid',
    ]);
    expect(untilPaid.code).not.toBe(0);
    expect(untilPaid.stderr).toContain('Nothing is past due');
    expect(
      JSON.parse((await runCli(h, ['subscribers', 'show', '1', '--json'])).stdout).subscriber,
    ).toMatchObject({
      status: 'active',
      suspension: null,
    });
    expect((await runCli(h, ['subscribers', 'remove', 'juan.dc'])).code).toBe(2);
    const ended = await runCli(h, ['subscribers', 'remove', 'juan.dc', '--yes', '--json']);
    expect(JSON.parse(ended.stdout).subscriber.status).toBe('ended');
    const again = await runCli(h, ['subscribers', 'resume', '1', '--json']);
    expect(JSON.parse(again.stdout).error.code).toBe('SUBSCRIBER_ENDED');
    const actors = await h.core!.db('audit_log').where('action', 'like', 'subscriber.%').pluck('actor');
    expect(new Set(actors).size).toBe(1);
  }, 120000);

  it('bad input: exit 2 with every field named, nothing written', async () => {
    const res = await runCli(h, [
      'subscribers',
      'add',
      '--name',
      'Ana',
      '--mobile',
      '12345',
      '--profile',
      'BASIC',
      '--billing-day',
      '30',
      '--username',
      'ana',
      '--json',
    ]);
    expect(res.code).toBe(2);
    const { error } = JSON.parse(res.stdout);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/mobile/);
    expect(error.message).toMatch(/profile: BASIC is a prepaid profile/);
    expect(error.message).toMatch(/billing_day/);
    expect(await h.core!.db('subscribers').where({ username: 'ana' })).toHaveLength(0);
  }, 60000);
});
