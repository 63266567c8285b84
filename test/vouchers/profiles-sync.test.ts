import fs from 'node:fs';
import { createHarness, Harness } from '../helpers/harness';

describe('profiles.json applied at start, the database the truth afterwards', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('loads the file once, then applies only changes made in the file, one line each', async () => {
    h = await createHarness();
    const svc = h.core!.services.profiles;
    expect((await svc.list()).map((p) => p.name)).toEqual(['BASIC', 'STANDARD', 'PREMIUM']);
    // Starting again with the same file changes nothing.
    expect(await svc.syncFromFile(h.config.profilesFile)).toEqual([]);

    // An admin edit survives restarts while the file does not change.
    await svc.update(
      'STANDARD',
      { price: 12, validity: '2h', users: 1, rate_up: '1M', rate_down: '2M' },
      { name: 'a', via: 'admin' },
    );
    expect(await svc.syncFromFile(h.config.profilesFile)).toEqual([]);
    expect((await svc.get('standard')).price).toBe(1200);

    const file = JSON.parse(fs.readFileSync(h.config.profilesFile, 'utf8'));
    file[0].rate_down = '3M';
    file.splice(2, 1);
    file.push({
      name: 'VIP',
      price: 50,
      validity: '1d',
      users: 2,
      rate_up: '5M',
      rate_down: '20M',
      fup: { threshold: '5G', rate_up: '1M', rate_down: '2M' },
    });
    fs.writeFileSync(h.config.profilesFile, JSON.stringify(file));
    const lines = await svc.syncFromFile(h.config.profilesFile);
    expect(lines).toEqual([
      expect.stringMatching(/^profile PREMIUM removed/),
      'profile BASIC: rate_down 1M → 3M',
      'profile VIP added',
    ]);
    expect((await svc.get('BASIC')).profile.rateDown).toBe(3_000_000);
    expect((await svc.get('VIP')).profile.fup).toEqual({ thresholdBytes: 5e9, rateUp: 1e6, rateDown: 2e6 });
    expect((await svc.get('PREMIUM')).archived).toBe(true);
    expect((await svc.list()).map((p) => p.name)).toEqual(['BASIC', 'STANDARD', 'VIP']);
  });

  it('refuses a broken profiles.json with every problem named', async () => {
    h = await createHarness();
    fs.writeFileSync(
      h.config.profilesFile,
      JSON.stringify([
        { name: 'X', price: 'free', validity: '1h', users: 1, rate_up: '1M', rate_down: '2Q' },
      ]),
    );
    await expect(h.core!.services.profiles.syncFromFile(h.config.profilesFile)).rejects.toThrow(
      /X: price "free" is not an amount[\s\S]*X: rate_down "2Q" is not a rate/,
    );
  });
});
