/**
 * The terminal's face of printed cards: the card designs (`cards show|set|reset`), quick print
 * (`vouchers print`) and the paper of `vouchers sheet`, on the services the admin uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatCodeForPrint } from '../../src/domain/codes';
import { SYSTEM } from '../../src/services/types';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from './helpers';

jest.setTimeout(120_000); // each command starts tsx: slow on a busy 2-core machine

describe('printed cards from the terminal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ env: { HOTSPOT_LOGIN_URL: 'http://wifi.shop/login' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('changes, shows and removes a profile’s design; a refused one names every problem and saves nothing', async () => {
    const set = await runCli(h, [
      'cards',
      'set',
      '--profile',
      'basic',
      '--accent',
      '#1B5E20',
      '--footer',
      'Salamat po!',
      '--hide',
      'speed,hint',
      '--paper',
      'thermal58',
      '--json',
    ]);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).template).toMatchObject({
      accent: '#1b5e20',
      footer: 'Salamat po!',
      paper: 'thermal58',
      show: { speed: false, hint: false, wifi: true },
    });
    const shown = await runCli(h, ['cards', 'show', '--profile', 'BASIC', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ from: 'profile', template: { footer: 'Salamat po!' } });

    const bad = await runCli(h, ['cards', 'set', '--accent', 'red', '--paper', 'letter', '--logo', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/logo/);
    const bad2 = await runCli(h, ['cards', 'set', '--accent', 'red', '--paper', 'letter']);
    expect(bad2.code).toBe(2);
    expect(bad2.stderr).toMatch(/accent: "red" is not a colour/);
    expect(bad2.stderr).toMatch(/paper: "letter" is not a paper/);
    const missing = await runCli(h, ['cards', 'set', '--file', '/no-such-folder/design.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('file: cannot read /no-such-folder/design.json: no such file');
    expect(await h.core!.services.cards.own({ kind: 'shop' })).toBeNull();

    const reset = await runCli(h, ['cards', 'reset', '--profile', 'BASIC']);
    expect(reset.code).toBe(0);
    expect((await h.core!.services.cards.resolve({ kind: 'profile', profile: 'BASIC' })).from).toBe(
      'default',
    );
    const audit = (await h.core!.services.audit.list()).entries.map((e) => `${e.action} ${e.target}`);
    expect(audit).toEqual(expect.arrayContaining(['cards.save profile BASIC', 'cards.reset profile BASIC']));
  });

  it('quick print makes real vouchers and writes their cards for the 58 mm roll; sheets open on the design’s paper', async () => {
    const file = path.join(h.dir, 'quick.html');
    const res = await runCli(h, [
      'vouchers',
      'print',
      '--profile',
      'BASIC',
      '--count',
      '2',
      '--out',
      file,
      '--json',
    ]);
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as { batch_id: number; codes: string[]; paper: string };
    expect(out).toMatchObject({ paper: 'thermal58' });
    expect(out.codes).toHaveLength(2);
    expect((await h.core!.services.vouchers.batch(out.batch_id)).batch).toMatchObject({
      note: 'Quick print',
      count: 2,
    });
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toMatch(/@page \{ size: 58mm \d+mm; margin: 0; \}/);
    expect((html.match(/<article class="card">/g) ?? []).length).toBe(2);
    for (const c of out.codes) expect(html).toContain(formatCodeForPrint(c));
    expect(
      (await runCli(h, ['vouchers', 'print', '--profile', 'BASIC', '--count', '51', '--out', file])).code,
    ).toBe(2);

    // The shop's design opens on the 80 mm roll: a sheet does unless --paper says otherwise.
    await h.core!.services.cards.save({ kind: 'shop' }, { paper: 'thermal80' }, SYSTEM);
    const sheet = path.join(h.dir, 'sheet.html');
    expect(
      (await runCli(h, ['vouchers', 'sheet', '--batch', String(out.batch_id), '--out', sheet])).code,
    ).toBe(0);
    expect(fs.readFileSync(sheet, 'utf8')).toContain('@page { size: 80mm');
    const a4 = await runCli(h, [
      'vouchers',
      'sheet',
      '--batch',
      String(out.batch_id),
      '--out',
      sheet,
      '--paper',
      'a4',
    ]);
    expect(a4.stdout).toContain('a4');
    expect(fs.readFileSync(sheet, 'utf8')).toContain('@page { size: 210mm 297mm');
  });
});
