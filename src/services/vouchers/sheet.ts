/** What a printed voucher card shows: the code grouped for reading aloud, price, validity, speed, portal link. */
import { formatCodeForPrint } from '../../domain/codes';
import type { Profile } from '../../domain/profiles';
import { formatDurationHuman, formatMoney, formatRateHuman } from '../../domain/units';
import type { VoucherView } from '../types';

export interface SheetCard {
  code: string;
  printedCode: string;
  profile: string;
  price: string;
  validity: string;
  speed: string;
  /** Opens the portal with the code filled in (the QR code's content). */
  portalUrl: string;
}

export function portalLinkFor(portalBase: string, code: string): string {
  return `${portalBase.replace(/\/+$/, '')}/portal?code=${encodeURIComponent(code)}`;
}

export function sheetCard(v: VoucherView, profile: Profile, portalBase: string): SheetCard {
  return {
    code: v.code,
    printedCode: formatCodeForPrint(v.code),
    profile: v.profile,
    price: v.staff && v.price === 0 ? 'STAFF' : formatMoney(v.price),
    validity:
      v.staff || profile.validitySeconds === null
        ? 'Unlimited'
        : formatDurationHuman(profile.validitySeconds),
    speed: `${formatRateHuman(v.rateDown)} / ${formatRateHuman(v.rateUp)}`,
    portalUrl: portalLinkFor(portalBase, v.code),
  };
}
