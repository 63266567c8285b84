/**
 * The licence identity of the simulated machine (`/system/license`): what kind of board it is and the id that
 * tells one machine from another across reboots and configuration resets.
 */

/** Which kind of machine the simulator plays: its `/system/license` and `/system/resource` differ. */
export type BoardKind = 'chr' | 'routerboard';

/**
 * The licence identity of the simulated machine. A CHR shows `system-id` and `level`; a RouterBOARD shows
 * `software-id`, `nlevel` and `features`. The id survives reboots and configuration resets, so the controller
 * can tell "the same router, reset" from "another router".
 */
export interface License {
  board: BoardKind;
  id: string;
  /** CHR licence level (`free`, `p1`, `p10`, `p-unlimited`). */
  level: string;
  /** RouterBOARD licence level (0..6). */
  nlevel: string;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CHR_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh licence id in the shape each kind of machine prints: RouterBOARD software ids are two groups of
 * four upper-case letters and digits (`7N6C-EV4Q`); CHR system ids are eleven letters and digits.
 */
function newLicenseId(board: BoardKind, random: () => number = Math.random): string {
  const pick = (chars: string, n: number): string =>
    Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
  return board === 'routerboard' ? `${pick(ID_CHARS, 4)}-${pick(ID_CHARS, 4)}` : pick(CHR_ID_CHARS, 11);
}

/** A CHR with a paid `p1` licence: a `free` CHR would cap every interface at 1 Mbit/s, which we do not model. */
export function makeLicense(board: BoardKind): License {
  return { board, id: newLicenseId(board), level: 'p1', nlevel: '4' };
}

/** The licence of another machine put in this one's place: `licenseId` if given, else a fresh one unlike `current`. */
export function replacementLicense(board: BoardKind, current: string, licenseId?: string): License {
  let license = makeLicense(board);
  if (licenseId) license = { ...license, id: licenseId };
  else while (license.id === current) license = makeLicense(board);
  return license;
}
