/** What a printed voucher card shows: the code grouped for reading aloud, price, validity, speed, portal link. */
import { formatCodeForPrint } from '../../domain/codes';
import type { Profile } from '../../domain/profiles';
import { formatDurationHuman, formatMoney, formatRateHuman } from '../../domain/units';
import QRCode from 'qrcode';
import { safeLogo } from '../shop-logo';
import type { BatchView, ProfileService, SettingsService, VoucherService, VoucherView } from '../types';

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

export interface PrintableSheet {
  batch: BatchView;
  cards: (SheetCard & { qr: string })[];
  shop: string;
  /** A safe `data:image/png|jpeg;base64,` URL, or null: see safeLogo. */
  logo: string | null;
}

/** The shop's name and (safe) logo as printed sheets and the portal show them. */
export async function shopBranding(
  settings: SettingsService,
): Promise<{ shop: string; logo: string | null }> {
  const [shop, logo] = await Promise.all([
    settings.get<string>('shop.name', 'PisoNet'),
    settings.get<unknown>('shop.logo', null),
  ]);
  return { shop, logo: safeLogo(logo) };
}

/**
 * Everything a printed batch needs (cards with an inline SVG QR code each, the shop's name and logo), shared by
 * the web admin's print page and the terminal's "print sheet to a file".
 */
export async function buildSheet(
  services: { vouchers: VoucherService; profiles: ProfileService; settings: SettingsService },
  batchId: number,
  portalBase: string,
): Promise<PrintableSheet> {
  const { batch, vouchers: list } = await services.vouchers.batch(batchId);
  const profile = await services.profiles.get(batch.profile);
  const cards = await Promise.all(
    list.map(async (v) => {
      const card = sheetCard(v, profile.profile, portalBase);
      const qr = await QRCode.toString(card.portalUrl, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
      return { ...card, qr };
    }),
  );
  return { batch, cards, ...(await shopBranding(services.settings)) };
}
