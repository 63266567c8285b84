/**
 * The dictionary against FreeRADIUS 3.2's own files: every name, code, type, vendor and value name we carry
 * must be what FreeRADIUS (and so radclient and the server) calls it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ATTRIBUTES, attrByCode, attrByName, MIKROTIK_VENDOR } from '../../src/radius/dictionary';
import { RadiusError } from '../../src/radius/packet';

const DICT_DIR = '/usr/share/freeradius';
const FILES = [
  'dictionary.rfc2865',
  'dictionary.rfc2866',
  'dictionary.rfc2869',
  'dictionary.rfc3576',
  'dictionary.rfc5176',
  'dictionary.mikrotik',
];

interface FreeRadiusDictionary {
  attributes: Map<string, { code: number; type: string; vendor?: number }>;
  values: Map<string, Map<string, number>>;
}

function readFreeRadius(): FreeRadiusDictionary {
  const dict: FreeRadiusDictionary = { attributes: new Map(), values: new Map() };
  const vendors = new Map<string, number>();
  for (const file of FILES) {
    let vendor: number | undefined;
    for (const line of fs.readFileSync(path.join(DICT_DIR, file), 'utf8').split('\n')) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      if (words[0] === 'VENDOR') vendors.set(words[1], Number(words[2]));
      if (words[0] === 'BEGIN-VENDOR') vendor = vendors.get(words[1]);
      if (words[0] === 'END-VENDOR') vendor = undefined;
      if (words[0] === 'ATTRIBUTE' && !dict.attributes.has(words[1])) {
        dict.attributes.set(words[1], { code: Number(words[2]), type: words[3], vendor });
      }
      if (words[0] === 'VALUE') {
        const values = dict.values.get(words[1]) ?? new Map<string, number>();
        values.set(words[2], Number(words[3]));
        dict.values.set(words[1], values);
      }
    }
  }
  return dict;
}

const haveDictionaries = FILES.every((f) => fs.existsSync(path.join(DICT_DIR, f)));
// Only where FreeRADIUS's dictionaries are installed (.ci/run installs freeradius): ours are checked against them.
const describeWithDictionaries = haveDictionaries ? describe : describe.skip;
if (!haveDictionaries) {
  console.warn(
    `FreeRADIUS dictionaries not found in ${DICT_DIR} (apt-get install freeradius-common): skipped`,
  );
}

describeWithDictionaries('against FreeRADIUS dictionaries', () => {
  const fr = readFreeRadius();

  it.each(ATTRIBUTES.map((def) => [def.name, def] as const))('%s: code, type and vendor', (name, def) => {
    const theirs = fr.attributes.get(name);
    expect(theirs).toBeDefined();
    expect({ code: def.code, type: def.type, vendor: def.vendor }).toEqual(theirs);
  });

  it.each(ATTRIBUTES.filter((d) => d.values).map((def) => [def.name, def] as const))(
    '%s: every value as FreeRADIUS names it, none missing',
    (name, def) => {
      const theirs = fr.values.get(name)!;
      for (const [valueName, n] of Object.entries(def.values!))
        expect([valueName, theirs.get(valueName)]).toEqual([valueName, n]);
      // "Alive" is FreeRADIUS's duplicate name for Interim-Update (3), marked "# dup" in dictionary.rfc2866.
      const ours = new Set(Object.values(def.values!));
      expect([...theirs.values()].filter((n) => !ours.has(n))).toEqual([]);
    },
  );
});

describe('look-ups', () => {
  it('finds attributes by name in any case and by code', () => {
    expect(attrByName('acct-status-type')).toMatchObject({ code: 40, type: 'integer' });
    expect(attrByCode(8, MIKROTIK_VENDOR)?.name).toBe('Mikrotik-Rate-Limit');
    expect(attrByCode(8)?.name).toBe('Framed-IP-Address');
    expect(attrByCode(200)).toBeUndefined();
    expect(attrByCode(99, MIKROTIK_VENDOR)).toBeUndefined();
  });

  it('gives raw octets definitions for Attr-<n> and Vendor-<v>-Attr-<n>', () => {
    expect(attrByName('Attr-200')).toEqual({ name: 'Attr-200', code: 200, type: 'octets' });
    expect(attrByName('Vendor-9-Attr-1')).toEqual({
      name: 'Vendor-9-Attr-1',
      code: 1,
      type: 'octets',
      vendor: 9,
    });
  });

  it('throws UNKNOWN_ATTRIBUTE for a name it does not know', () => {
    for (const name of ['Frobnicate', 'Attr-0', 'Attr-256', 'Vendor-0-Attr-1', '']) {
      expect(() => attrByName(name)).toThrow(RadiusError);
      expect(() => attrByName(name)).toThrow(expect.objectContaining({ code: 'UNKNOWN_ATTRIBUTE' }));
    }
  });
});
