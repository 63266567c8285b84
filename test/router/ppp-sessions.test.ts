/**
 * The poll's read of the PPP sessions (router/ppp.ts sessions()): `/ppp/active` and the sessions' `<pppoe-NAME>`
 * interfaces, taken row by row as the client hands them over (printEach lends one object per print, emptied
 * between rows), as the hotspot's prints are: no print's rows are all kept until its end. A client without
 * printEach is read with print, to the same sessions.
 */
import { createRouterPpp } from '../../src/router/ppp';
import type { PrintOptions, RosRow, RouterClient } from '../../src/router/types';

const ACTIVE: RosRow[] = [
  {
    '.id': '*A1',
    name: 'juan',
    address: '10.10.0.2',
    'caller-id': 'AA:BB:CC:00:00:01',
    uptime: '1h2m3s',
    'session-id': '0x81',
  },
  { '.id': '*A2', name: 'rosa', 'caller-id': '', uptime: '18:33:07', 'session-id': '0x82' },
  { '.id': '*A3', name: 'pedro', address: '10.10.0.4', uptime: '5s', 'session-id': '0x83' },
];
/** pedro's interface is not listed yet (a session just up): no counters, zero. */
const INTERFACES: RosRow[] = [
  { name: '<pppoe-rosa>', 'rx-byte': '700', 'tx-byte': '9000' },
  { name: '<pppoe-juan>', 'rx-byte': '1234567890123', 'tx-byte': '42' },
];

/** A client over fixed replies; printEach lends one row object per print, as the patched library does. */
function stubClient(withEach: boolean) {
  const calls: Array<{ how: 'print' | 'printEach'; menu: string; opts?: PrintOptions }> = [];
  const replies = (menu: string): RosRow[] => (menu === '/ppp/active' ? ACTIVE : INTERFACES);
  const client = {
    async print(menu: string, opts?: PrintOptions) {
      calls.push({ how: 'print', menu, opts });
      return replies(menu).map((r) => ({ ...r }));
    },
    printEach: withEach
      ? async (menu: string, opts: PrintOptions, onRow: (row: RosRow) => void) => {
          calls.push({ how: 'printEach', menu, opts });
          const lent: RosRow = {};
          for (const r of replies(menu)) {
            for (const k of Object.keys(lent)) (lent as Record<string, string | undefined>)[k] = undefined;
            Object.assign(lent, r);
            onRow(lent);
          }
          for (const k of Object.keys(lent)) (lent as Record<string, string | undefined>)[k] = 'reused';
        }
      : undefined,
  };
  return { client: client as unknown as RouterClient, calls };
}

const EXPECTED = [
  {
    id: '*A1/0x81',
    username: 'juan',
    address: '10.10.0.2',
    callerId: 'AA:BB:CC:00:00:01',
    up: 1234567890123,
    down: 42,
    rateUp: 0,
    rateDown: 0,
    uptimeSeconds: 3723,
  },
  {
    id: '*A2/0x82',
    username: 'rosa',
    address: null,
    callerId: '',
    up: 700,
    down: 9000,
    rateUp: 0,
    rateDown: 0,
    uptimeSeconds: 66787,
  },
  {
    id: '*A3/0x83',
    username: 'pedro',
    address: '10.10.0.4',
    callerId: '',
    up: 0,
    down: 0,
    rateUp: 0,
    rateDown: 0,
    uptimeSeconds: 5,
  },
];

describe("the poll's PPP sessions read", () => {
  it('takes both prints row by row (lent rows, copied out), joined by name, with the poll’s proplists', async () => {
    const { client, calls } = stubClient(true);
    expect(await createRouterPpp(client).sessions()).toEqual(EXPECTED);
    expect(calls).toEqual([
      {
        how: 'printEach',
        menu: '/ppp/active',
        opts: { proplist: ['.id', 'name', 'address', 'caller-id', 'uptime', 'session-id'] },
      },
      {
        how: 'printEach',
        menu: '/interface',
        opts: { proplist: ['name', 'rx-byte', 'tx-byte'], query: ['type=pppoe-in'] },
      },
    ]);
  });

  it('reads the same sessions with print where the client cannot lend rows', async () => {
    const { client, calls } = stubClient(false);
    expect(await createRouterPpp(client).sessions()).toEqual(EXPECTED);
    expect(calls.map((c) => c.how)).toEqual(['print', 'print']);
  });
});
