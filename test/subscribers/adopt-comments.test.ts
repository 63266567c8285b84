/**
 * What adopting keeps of a secret and says up front, from outside: the adoptable list names each secret that can
 * never be adopted as the router has it (its name is not a username, its password not one a subscriber can have)
 * with the reason; the secret's comment, which ours replaces on the router, stays in its subscriber's audit entry;
 * the API's customer name is still the secret's name when none is sent.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { ownersSetUp, PROFILES } from './helpers';

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  const secrets: Array<[string, string, string]> = [
    ['ab', 'Ab-pass-12', ''],
    ['niño', 'Nino-pass-1', ''],
    ['shortpw', '1234', ''],
    ['space.pw', 'two words here', ''],
    ['pedro', 'Pedro-pass-1', 'Pedro Santos, Brgy. San Roque; paid until Dec'],
  ];
  for (const [name, password, comment] of secrets)
    await h.router.add('/ppp/secret', {
      name,
      password,
      profile: 'default',
      ...(comment ? { comment } : {}),
    });
});
afterAll(async () => {
  await h.close();
});

describe('adopting: what the list says up front and what is kept', () => {
  it('lists why a secret can never be adopted as it is, and null for one that can', async () => {
    const res = await adminApi(h, 'GET', '/subscribers/adoptable?site=default');
    expect(res.status).toBe(200);
    const why = Object.fromEntries(
      (res.json.secrets as Array<{ name: string; cannot_adopt: string | null }>).map((s) => [
        s.name,
        s.cannot_adopt,
      ]),
    );
    expect(why).toEqual({
      ab: expect.stringMatching(/"ab" is not a username; use 3–32 letters/),
      niño: expect.stringMatching(/"niño" is not a username/),
      shortpw: expect.stringMatching(/^the router's password is not one a subscriber can have/),
      'space.pw': expect.stringMatching(/^the router's password is not one a subscriber can have/),
      pedro: null,
    });
    // The reason never repeats the router's password.
    expect(JSON.stringify(res.json)).not.toMatch(/1234|two words/);
  });

  it("keeps the secret's comment in its subscriber's audit entry; the name is still the secret's by default", async () => {
    const res = await adminApi(h, 'POST', '/subscribers/adopt', {
      site: 'default',
      secrets: [{ name: 'pedro', plan: 'HOME10', billing_day: 5 }],
    });
    expect(res.status).toBe(201);
    const account = res.json.secrets[0].subscriber.account_no as string;
    const pedro = (await adminApi(h, 'GET', `/subscribers/${res.json.secrets[0].subscriber.id}`)).json
      .subscriber;
    expect(pedro.name).toBe('pedro');
    const audit = await h
      .core!.db('audit_log')
      .where({ action: 'subscriber.create', target: account })
      .first('details');
    expect(JSON.parse(audit.details)).toMatchObject({
      username: 'pedro',
      secret_comment: 'Pedro Santos, Brgy. San Roque; paid until Dec',
    });
  });
});
