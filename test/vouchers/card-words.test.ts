import { createHarness, Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';
import { renderSheet } from '../../cli/lib/sheet';
import { runCli } from '../cli/helpers';

/** What a printed card says of its plan, in the card's language, and whose name it carries. */
const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  {
    name: 'ONLINE3',
    price: 15,
    validity: '3h',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
    data_cap: '1G',
  },
];

/** The text of the cards of a printed page, tags and styles left out. */
function cardText(html: string): string {
  const cards = html.match(/<article class="card">[\s\S]*?<\/article>/g) ?? [];
  return cards
    .join('\n')
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

describe('printed card words', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
  });
  afterEach(async () => {
    await h.close();
  });

  const print = async (batchId: number, format = 'a4') =>
    cardText(
      await (
        await fetch(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?format=${format}`, {
          headers: AUTH,
        })
      ).text(),
    );

  it('an online-time plan says its time is online time and can pause; a wall-clock plan just its time', async () => {
    const online = await h.core!.services.vouchers.generate({ profile: 'ONLINE3', count: 1 }, SYSTEM);
    for (const format of ['a4', 'thermal58']) {
      const text = await print(online.batchId, format);
      expect(text).toContain('3h online time, can pause');
    }
    const clock = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const text = await print(clock.batchId);
    expect(text).toContain('1h');
    expect(text).not.toContain('online time');
  });

  it('a card in Filipino prints its fixed words in Filipino, on the print page and in the CLI file', async () => {
    await h.core!.services.cards.save({ kind: 'shop' }, { language: 'fil' }, SYSTEM);
    const out = await h.core!.services.vouchers.generate({ profile: 'ONLINE3', count: 1 }, SYSTEM);
    for (const text of [await print(out.batchId), cardText((await renderSheet(h.core!, out.batchId)).html)]) {
      expect(text).toContain('3h na online, puwedeng i-pause');
      expect(text).toContain('1.0 GB na data');
      expect(text).toMatch(/Kumonekta sa WiFi, saka i-scan/);
      expect(text).not.toContain('Join the WiFi');
      expect(text).not.toContain('online time');
    }
    // English stays the default of a shop that never chose.
    await h.core!.services.cards.save({ kind: 'shop' }, { language: 'en' }, SYSTEM);
    expect(await print(out.batchId)).toContain('Join the WiFi');
  });

  it('the card design refuses a language it does not have, by field', async () => {
    await expect(
      h.core!.services.cards.save({ kind: 'shop' }, { language: 'de' }, SYSTEM),
    ).rejects.toMatchObject({ fields: ['language'], message: expect.stringContaining('use one of en, fil') });
  });

  it('a shop that set only its WiFi name is called by it on the cards and the portal, not "PisoNet"', async () => {
    await h.core!.services.shopSettings.update({ wifi_name: 'Tindahan ni Aling Rosa' }, SYSTEM, {
      address: '127.0.0.1',
    });
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const card = await print(out.batchId);
    expect(card).toContain('Tindahan ni Aling Rosa');
    expect(card).not.toContain('PisoNet');
    const portal = await (await fetch(`${h.app!.url}/portal`)).text();
    expect(portal).toMatch(/<title>[^<]*Tindahan ni Aling Rosa<\/title>/);
    expect(portal).toMatch(/class="shop">[^<]*Tindahan ni Aling Rosa/);
    expect(portal).not.toContain('PisoNet');
    // A name the owner gives the shop wins over the WiFi's.
    await h.core!.services.settings.set('shop.name', 'Rosa Store', SYSTEM);
    expect(await print(out.batchId)).toContain('Rosa Store');
    expect(await (await fetch(`${h.app!.url}/portal`)).text()).toMatch(/class="shop">[^<]*Rosa Store/);
  });

  it('the terminal sets and shows the card language, and refuses one it does not have', async () => {
    const set = await runCli(h, ['cards', 'set', '--language', 'fil']);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/Language:\s+Filipino \(fil\)/);
    expect((await h.core!.services.cards.resolve({ kind: 'shop' })).template.language).toBe('fil');
    const bad = await runCli(h, ['cards', 'set', '--language', 'de']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/language: "de" is not a language; use one of en, fil/);
  }, 120000);
});
