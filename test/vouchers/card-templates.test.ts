/**
 * The owner's card designs kept for the shop, a profile and a batch: which one a card prints with, what a save
 * checks, what the audit log says, and what the print page and the CLI's file draw from them.
 */
import ejs from 'ejs';
import { renderSheet } from '../../cli/lib/sheet';
import { projectPath } from '../../src/lib/paths';
import type { CardLinkTarget } from '../../src/services/shop/vouchers/card-link';
import { sheetCard } from '../../src/services/shop/vouchers/sheet';
import { cardLook } from '../../src/services/shop/vouchers/sheet-page';
import { DEFAULT_CARD_TEMPLATE } from '../../src/domain/card-template';
import { ValidationErrors } from '../../src/domain/errors';
import { SYSTEM } from '../../src/services/types';
import { createHarness, Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';

describe('card designs kept per shop, profile and batch', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  const cards = () => h.core!.services.cards;

  it('a batch prints with its own design, else its profile’s, else the shop’s, else the starting one', async () => {
    const { batchId } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const batch = { kind: 'batch', batchId } as const;
    expect(await cards().resolve(batch)).toEqual({
      template: DEFAULT_CARD_TEMPLATE,
      from: 'default',
      profile: 'BASIC',
    });
    await cards().save({ kind: 'shop' }, { footer: 'Salamat po!' }, SYSTEM);
    expect((await cards().resolve(batch)).from).toBe('shop');
    // A profile's design starts from the one it printed with: the shop's wording stays.
    await cards().save({ kind: 'profile', profile: 'basic' }, { accent: '#1b5e20' }, SYSTEM);
    expect(await cards().resolve(batch)).toMatchObject({
      from: 'profile',
      template: { footer: 'Salamat po!', accent: '#1b5e20' },
    });
    expect((await cards().resolve({ kind: 'profile', profile: 'STANDARD' })).from).toBe('shop');
    await cards().save(batch, { headline: 'Fiesta promo' }, SYSTEM);
    expect(await cards().resolve(batch)).toMatchObject({
      from: 'batch',
      template: { headline: 'Fiesta promo', accent: '#1b5e20', footer: 'Salamat po!' },
    });
    expect(await cards().overview()).toEqual({ shop: true, profiles: ['BASIC'], batches: [batchId] });

    expect(await cards().remove({ kind: 'profile', profile: 'BASIC' }, SYSTEM)).toBe(true);
    expect(await cards().remove({ kind: 'profile', profile: 'BASIC' }, SYSTEM)).toBe(false);
    expect(await cards().own(batch)).toMatchObject({ accent: '#1b5e20' }); // a batch's own is a copy
    await cards().remove(batch, SYSTEM);
    expect((await cards().resolve(batch)).from).toBe('shop');

    const audit = await h.core!.services.audit.list({ limit: 20 });
    const lines = audit.entries
      .filter((e) => e.action.startsWith('cards.'))
      .map((e) => `${e.action} ${e.target}`);
    expect(lines.reverse()).toEqual([
      'cards.save shop',
      'cards.save profile BASIC',
      `cards.save batch ${batchId}`,
      'cards.reset profile BASIC',
      `cards.reset batch ${batchId}`,
    ]);
  });

  it('a refused design changes nothing and names every field; unknown profiles and batches are 404s', async () => {
    await cards().save({ kind: 'shop' }, { headline: 'Aling Nena' }, SYSTEM);
    const err = await cards()
      .save({ kind: 'shop' }, { headline: 'x'.repeat(41), accent: '#ffff00', paper: 'letter' }, SYSTEM)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationErrors);
    expect((err as ValidationErrors).fields.sort()).toEqual(['accent', 'headline', 'paper']);
    expect((await cards().own({ kind: 'shop' }))!.headline).toBe('Aling Nena');
    await expect(cards().save({ kind: 'profile', profile: 'NOPE' }, {}, SYSTEM)).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
    });
    await expect(cards().resolve({ kind: 'batch', batchId: 999 })).rejects.toMatchObject({
      code: 'BATCH_NOT_FOUND',
    });
  });

  it('a batch given its own design prints with it, whichever design it was made with', async () => {
    const { batchId } = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 2, design: 'compact' },
      SYSTEM,
    );
    expect((await cards().forBatch(batchId, 'compact')).from).toBe('preset');
    await cards().save({ kind: 'batch', batchId }, { footer: 'Happy fiesta!' }, SYSTEM);
    expect((await h.core!.services.vouchers.batch(batchId)).batch.design).toBe('custom');
    const html = await (
      await fetch(`${h.app!.url}/admin/vouchers/batches/${batchId}/print`, { headers: AUTH })
    ).text();
    expect(html).toContain('class="a4 custom"');
    expect(html.split('<div class="footer">Happy fiesta!</div>').length - 1).toBe(2);
  });

  it('prints the owner’s wording escaped, on the design’s paper unless another is asked for', async () => {
    await cards().save(
      { kind: 'shop' },
      { headline: '<script>alert(1)</script>', footer: 'Salamat <b>po</b> & "ingat"', paper: 'thermal58' },
      SYSTEM,
    );
    const { batchId } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const page = (q: string) =>
      fetch(`${h.app!.url}/admin/vouchers/batches/${batchId}/print${q}`, { headers: AUTH }).then((r) =>
        r.text(),
      );
    const cli = (await renderSheet(h.core!, batchId)).html;
    for (const html of [await page(''), cli]) {
      expect(html).toContain('class="thermal thermal58 custom"');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('Salamat &lt;b&gt;po&lt;/b&gt; &amp; &#34;ingat&#34;');
      expect(html).not.toContain('<script>alert(1)');
      expect(html).not.toContain('<b>po</b>');
    }
    expect(await page('?format=a4')).toContain('class="a4 custom"');
    // The CLI's file is standalone: the card styles are inside it.
    expect(cli).toContain('.a4 .page {');
    expect(cli).not.toContain('/public/css/cards.css');
  });

  it('draws a voucher’s own password, labelled, when its card data carries one', async () => {
    const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const profile = (await h.core!.services.profiles.get('BASIC')).profile;
    const target: CardLinkTarget = {
      kind: 'login',
      base: 'http://wifi.shop/login',
      source: 'HOTSPOT_LOGIN_URL',
      sample: '',
      problem: null,
      warning: null,
    };
    const withPw = sheetCard({ ...vouchers[0], password: '4821' }, profile, target);
    const without = sheetCard({ ...vouchers[0], password: null }, profile, target);
    expect(withPw.password).toBe('4821');
    expect(without.password).toBeNull();
    for (const layout of ['a4', 'thermal58'] as const) {
      const drawn = cardLook(
        {
          cards: [{ ...withPw, qr: '' }],
          template: DEFAULT_CARD_TEMPLATE,
          shop: 'Shop',
          logo: null,
          wifi: 'WiFi',
          target,
        },
        layout,
      );
      const html = await ejs.renderFile(projectPath('views', 'sheets', '_card.ejs'), {
        c: drawn.cards[0],
        look: drawn.look,
        layout,
      });
      expect(html).toContain('<span class="k">Password:</span> <span class="pw">4821</span>');
      expect(drawn.look.lines.password).toBe(true);
    }
  });
});
