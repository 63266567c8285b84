import {
  checkCardTemplate,
  cardColours,
  contrastRatio,
  DEFAULT_CARD_TEMPLATE,
  FOOTER_MAX,
  HEADLINE_MAX,
  inkOn,
  parseHexColour,
  PRESET_TEMPLATES,
  readStoredTemplate,
} from '../../src/domain/card-template';
import { cardLines, sheetGeometry, wrappedLines, type SheetTexts } from '../../src/domain/card-layout';
import { parseQuickCount, quickPrintPaper, QUICK_PRINT_MAX } from '../../src/domain/cards';
import { ValidationErrors } from '../../src/domain/errors';

/** The field → problem pairs a refused template names. */
function problems(input: unknown): Record<string, string> {
  try {
    checkCardTemplate(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationErrors);
    return Object.fromEntries((err as ValidationErrors).errors.map((e) => [e.field, e.problem]));
  }
  throw new Error('accepted');
}

describe('card templates', () => {
  it('keeps what was left out from the base, trims and folds spaces, normalises colours', () => {
    const t = checkCardTemplate({ headline: '  Aling   Nena WiFi ', accent: '#B3261E', background: 'fff' });
    expect(t).toEqual({
      ...DEFAULT_CARD_TEMPLATE,
      headline: 'Aling Nena WiFi',
      accent: '#b3261e',
      background: '#ffffff',
    });
    const base = { ...DEFAULT_CARD_TEMPLATE, footer: 'Salamat po!' };
    expect(checkCardTemplate({ show: { speed: false } }, base)).toEqual({
      ...base,
      show: { ...base.show, speed: false },
    });
    expect(checkCardTemplate({ paper: 'Thermal58', price: 'LINE' })).toMatchObject({
      paper: 'thermal58',
      price: 'line',
    });
  });

  it('refuses every bad field at once, each under its name', () => {
    const p = problems({
      headline: 'x'.repeat(HEADLINE_MAX + 1),
      footer: 'bell\u0007',
      accent: 'red',
      background: '#12345',
      logo: 'yes',
      qr: 1,
      price: 'huge',
      paper: 'letter',
      show: { wifi: 'on', colour: true },
      acent: '#000000',
    });
    expect(Object.keys(p).sort()).toEqual(
      [
        'acent',
        'accent',
        'background',
        'footer',
        'headline',
        'logo',
        'paper',
        'price',
        'qr',
        'show.colour',
        'show.wifi',
      ].sort(),
    );
    expect(p.headline).toBe(`use at most ${HEADLINE_MAX} characters`);
    expect(p.footer).toBe('use one line of plain text');
    expect(p.accent).toMatch(/use a hex colour like #0b4f99/);
    expect(p.paper).toMatch(/a4, thermal58, thermal80/);
    expect(p.acent).toMatch(/not a card template setting/);
    expect(problems({ footer: 'é'.repeat(FOOTER_MAX + 1) }).footer).toMatch(/at most 80/);
    expect(checkCardTemplate({ footer: '😀'.repeat(FOOTER_MAX) }).footer).toHaveLength(FOOTER_MAX * 2);
    // Line breaks and runs of spaces become one space: a card's line is one line.
    expect(checkCardTemplate({ footer: ' Salamat\n po!\t' }).footer).toBe('Salamat po!');
    for (const bad of [null, 'x', [], 7]) expect(Object.keys(problems(bad))).toEqual(['template']);
  });

  it('keeps markup as text: the view escapes it, the domain does not strip it', () => {
    const t = checkCardTemplate({ headline: '<script>alert(1)</script>', footer: 'Salamat <3' });
    expect(t.headline).toBe('<script>alert(1)</script>');
    expect(t.footer).toBe('Salamat <3');
  });

  it('refuses a big price the card cannot show readably, and accepts it on a line', () => {
    const p = problems({ accent: '#ffe600', background: '#ffffff' });
    expect(p.accent).toMatch(/hard to read \(contrast 1\.\d:1\).*at least 3:1/);
    expect(checkCardTemplate({ accent: '#ffe600', background: '#ffffff', price: 'line' }).accent).toBe(
      '#ffe600',
    );
    expect(checkCardTemplate({ accent: '#ffe600', background: '#1a1a1a' }).accent).toBe('#ffe600');
  });

  it('prints the code in black or white, whichever reads on the card (at least 4.5:1 on any colour)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    expect(inkOn('#ffffff')).toBe('#000000');
    expect(inkOn('#0b4f99')).toBe('#ffffff');
    for (let v = 0; v < 256; v += 5) {
      const grey = `#${v.toString(16).padStart(2, '0').repeat(3)}`;
      expect(contrastRatio(grey, inkOn(grey))).toBeGreaterThanOrEqual(4.5);
    }
    for (const c of ['#ff0000', '#00ff00', '#0000ff', '#ffe600', '#7f00ff', '#008080'])
      expect(contrastRatio(c, inkOn(c))).toBeGreaterThanOrEqual(4.5);
  });

  it('prints black on white on a thermal roll, whatever the colours', () => {
    const t = checkCardTemplate({ accent: '#b3261e', background: '#1a237e', price: 'line' });
    expect(cardColours(t, 'a4')).toEqual({
      accent: '#b3261e',
      background: '#1a237e',
      ink: '#ffffff',
      accentInk: '#ffffff',
    });
    for (const paper of ['thermal58', 'thermal80'] as const)
      expect(cardColours(t, paper)).toEqual({
        accent: '#000000',
        background: '#ffffff',
        ink: '#000000',
        accentInk: '#ffffff',
      });
  });

  it('reads a stored template leniently: new settings default, a broken one gives null', () => {
    expect(readStoredTemplate(JSON.stringify({ headline: 'Hi' }))).toEqual({
      ...DEFAULT_CARD_TEMPLATE,
      headline: 'Hi',
    });
    expect(readStoredTemplate('{')).toBeNull();
    expect(readStoredTemplate(JSON.stringify({ accent: 'blue' }))).toBeNull();
  });

  it('parses colours in the usual hex forms only', () => {
    expect(parseHexColour('#ABC', 'c')).toBe('#aabbcc');
    expect(parseHexColour(' 0b4f99 ', 'c')).toBe('#0b4f99');
    for (const bad of ['rgb(0,0,0)', '#abcd', 'url(x)', '', 12])
      expect(() => parseHexColour(bad, 'c')).toThrow(/hex/);
  });
});

describe('card layout', () => {
  const texts: SheetTexts = {
    headline: 'Aling Nena Store',
    logoImage: true,
    wifi: 'AlingNena-WiFi',
    hint: 'Join the WiFi, then scan to go online.',
    longestCode: 9,
    password: false,
    data: false,
  };

  it('prints the lines the template asks for; the code always, a password when a voucher has one', () => {
    const off = checkCardTemplate({
      logo: false,
      qr: false,
      price: 'none',
      show: { wifi: false, plan: false, validity: false, data: false, speed: false, hint: false },
    });
    expect(cardLines(off, { ...texts, headline: '' })).toEqual({
      band: false,
      price: false,
      wifi: false,
      code: true,
      password: false,
      plan: false,
      facts: false,
      speed: false,
      hint: false,
      footer: false,
      qr: false,
    });
    expect(cardLines(off, { ...texts, headline: '', password: true }).password).toBe(true);
    // Data alone shows only for a plan with an allowance; a price on a line brings the plan's line.
    const dataOnly = checkCardTemplate({ price: 'line', show: { validity: false, plan: false } });
    expect(cardLines(dataOnly, { ...texts, data: true })).toMatchObject({ facts: true, plan: true });
    expect(cardLines(dataOnly, texts)).toMatchObject({ facts: false, plan: true });
    expect(cardLines(checkCardTemplate({ show: { validity: false } }), { ...texts, data: true }).facts).toBe(
      true,
    );
    expect(cardLines(checkCardTemplate({ show: { validity: false, data: false } }), texts).facts).toBe(false);
  });

  it('puts 24 cards on an A4 page with the starting design and the fixed ones, fewer when a card needs more room', () => {
    for (const t of [DEFAULT_CARD_TEMPLATE, PRESET_TEMPLATES.compact, PRESET_TEMPLATES.logo]) {
      const g = sheetGeometry('a4', t, texts);
      expect(g).toMatchObject({
        perPage: 24,
        rows: 8,
        cardWidth: 66,
        cardHeight: 35.4,
        pageWidth: 210,
        pageHeight: 297,
      });
    }
    const tall = sheetGeometry('a4', checkCardTemplate({ footer: 'Salamat po! Balik po kayo.' }), {
      ...texts,
      password: true,
      data: true,
    });
    expect(tall.rows).toBeLessThan(8);
    expect(tall.perPage).toBe(tall.rows * 3);
    expect(tall.cardHeight * tall.rows).toBeLessThanOrEqual(283.2);
  });

  it('makes a roll card as long as its lines, the QR code big enough to scan', () => {
    const plain = sheetGeometry('thermal58', PRESET_TEMPLATES.compact, texts);
    const full = sheetGeometry('thermal58', checkCardTemplate({ footer: 'x'.repeat(80) }), {
      ...texts,
      password: true,
      data: true,
    });
    expect(plain).toMatchObject({ pageWidth: 58, perPage: 1, qr: 30 });
    expect(full.pageHeight).toBeGreaterThanOrEqual(plain.pageHeight + 20);
    expect(full.footerLines).toBe(4);
    expect(sheetGeometry('thermal80', DEFAULT_CARD_TEMPLATE, texts)).toMatchObject({ pageWidth: 80, qr: 36 });
    const noQr = sheetGeometry('thermal58', checkCardTemplate({ qr: false }), texts);
    expect(noQr.qr).toBe(0);
    expect(noQr.pageHeight).toBeLessThan(
      sheetGeometry('thermal58', DEFAULT_CARD_TEMPLATE, texts).pageHeight - 25,
    );
  });

  it('estimates wrapped lines within bounds', () => {
    expect(wrappedLines('', 3, 40, 2)).toBe(1);
    expect(wrappedLines('Salamat po!', 2.9, 47, 3)).toBe(1);
    expect(wrappedLines('x'.repeat(80), 2.9, 47, 3)).toBe(3);
    expect(wrappedLines('x'.repeat(500), 2.9, 47, 3)).toBe(3);
  });
});

describe('quick print', () => {
  it('prints one card unless told, at most QUICK_PRINT_MAX, on the thermal roll', () => {
    expect(parseQuickCount(undefined)).toBe(1);
    expect(parseQuickCount('')).toBe(1);
    expect(parseQuickCount(' 3 ')).toBe(3);
    expect(parseQuickCount(QUICK_PRINT_MAX)).toBe(QUICK_PRINT_MAX);
    for (const bad of ['0', '-1', '1.5', String(QUICK_PRINT_MAX + 1), 'many', 2.5])
      expect(() => parseQuickCount(bad)).toThrow(/from 1 to 50/);
    expect(quickPrintPaper('a4')).toBe('thermal58');
    expect(quickPrintPaper('thermal80')).toBe('thermal80');
    expect(quickPrintPaper('thermal58')).toBe('thermal58');
  });
});
