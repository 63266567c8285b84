/** The suspended list's pure diff: which entries of `pisonet-suspended` to add, put back and take out. */
import { diffSuspendedList, suspendedEntries, type ListEntryHave } from '../../src/domain/suspended-list';

const ROSA = { username: 'rosa', accountNo: 'S-0003' };
const PEDRO = { username: 'pedro', accountNo: 'S-0004' };

const entry = (address: string, extra: Partial<ListEntryHave> = {}): ListEntryHave => ({
  id: `*${address.split('.').pop()}`,
  address,
  comment: 'pisonet suspended S-0003',
  ours: true,
  dynamic: false,
  disabled: false,
  ...extra,
});

describe('suspendedEntries', () => {
  it("lists each running session of a suspended subscriber, by its address, with the account's comment", () => {
    const sessions = [
      { name: 'rosa', address: '10.10.0.5' },
      { name: 'juan', address: '10.10.0.6' },
      { name: 'pedro', address: '' },
    ];
    expect(suspendedEntries([ROSA, PEDRO], sessions)).toEqual([
      { address: '10.10.0.5', comment: 'pisonet suspended S-0003' },
    ]);
  });

  it('lists nothing for a suspended subscriber who is offline', () => {
    expect(suspendedEntries([ROSA], [])).toEqual([]);
  });
});

describe('diffSuspendedList', () => {
  const want = [{ address: '10.10.0.5', comment: 'pisonet suspended S-0003' }];

  it('adds a wanted address that is not listed', () => {
    expect(diffSuspendedList(want, [])).toEqual({ add: want, set: [], remove: [], conflicts: [] });
  });

  it('changes nothing when the list is as wanted', () => {
    expect(diffSuspendedList(want, [entry('10.10.0.5')])).toEqual({
      add: [],
      set: [],
      remove: [],
      conflicts: [],
    });
  });

  it('takes out our entries for addresses no longer wanted (a resume, an address left at a redial)', () => {
    const old = entry('10.10.0.4');
    expect(diffSuspendedList(want, [old])).toEqual({ add: want, set: [], remove: [old], conflicts: [] });
    expect(diffSuspendedList([], [old]).remove).toEqual([old]);
  });

  it("never touches someone else's entry; an enabled one already lists the address", () => {
    const theirs = entry('10.10.0.5', { ours: false, comment: 'owner' });
    const other = entry('10.10.0.9', { ours: false, comment: '' });
    expect(diffSuspendedList(want, [theirs, other])).toEqual({
      add: [],
      set: [],
      remove: [],
      conflicts: [],
    });
  });

  it("reports a wanted address held by someone else's disabled entry, and writes nothing for it", () => {
    const theirs = entry('10.10.0.5', { ours: false, comment: 'owner', disabled: true });
    expect(diffSuspendedList(want, [theirs])).toEqual({
      add: [],
      set: [],
      remove: [],
      conflicts: ['10.10.0.5'],
    });
  });

  it('re-enables and recomments our entry; a second one of ours for the address goes', () => {
    const a = entry('10.10.0.5', { disabled: true, comment: 'pisonet' });
    const b = entry('10.10.0.5', { id: '*99' });
    expect(diffSuspendedList(want, [a, b])).toEqual({
      add: [],
      set: [{ have: a, attrs: { disabled: 'no', comment: 'pisonet suspended S-0003' } }],
      remove: [b],
      conflicts: [],
    });
  });

  it('makes our entry again when a timeout was set on it by hand (it would run out)', () => {
    const timed = entry('10.10.0.5', { dynamic: true });
    expect(diffSuspendedList(want, [timed])).toEqual({
      add: want,
      set: [],
      remove: [timed],
      conflicts: [],
    });
  });
});
