/**
 * What a printed voucher card shows: the WiFi to join, the code grouped for reading aloud, a password when the
 * voucher has one, price, validity, data, speeds (download first) and a QR code opening the hotspot's login page
 * with the code (card-link.ts); and the design it is drawn in (src/services/shop/card-templates/index.ts).
 */
import QRCode from 'qrcode';
import {
  DEFAULT_CARD_DESIGN,
  SHEET_MAX_CARDS,
  speedLine,
  type CardDesign,
  type SheetInclude,
} from '../../../domain/cards';
import { formatCodeForPrint } from '../../../domain/codes';
import { shownStatus } from '../../../domain/vouchers';
import type { Profile } from '../../../domain/profiles';
import type { CardLanguage, CardTemplate } from '../../../domain/card-template';
import { formatBytes, formatDurationHuman, formatMoney, formatRateHuman } from '../../../domain/units';
import type { CardTemplateService, TemplateSource } from '../card-templates';
import { safeLogo } from '../../business/settings/shop-logo';
import type { BatchView, ProfileService, SettingsService, VoucherService, VoucherView } from '../../types';
import { cardLink, type CardLinkTarget } from './card-link';
import { DEFAULT_SITE_ID, type SiteService } from '../../business/sites/types';
import { shopName } from '../../business/settings';
import { translator } from '../../../i18n';

export type SheetCard = ReturnType<typeof sheetCard>;

/**
 * A plan's time as the card prints it, in the card's language: online time (it counts only while the phone is
 * online) says so, and that it can pause (src/domain/self-service.ts pauseRefusal: every timed uptime plan can).
 */
function cardValidity(v: Pick<VoucherView, 'staff'>, profile: Profile, lang: CardLanguage): string {
  const t = translator(lang).t;
  if (v.staff || profile.validitySeconds === null) return t('card.unlimited');
  const time = formatDurationHuman(profile.validitySeconds);
  return profile.timeMode === 'uptime' ? t('card.online_time', { time }) : time;
}

export function sheetCard(
  v: VoucherView,
  profile: Profile,
  target: CardLinkTarget,
  lang: CardLanguage = 'en',
) {
  return {
    code: v.code,
    printedCode: formatCodeForPrint(v.code),
    /** The voucher's own password when it has one apart from its code, else null. */
    password: v.password || null,
    profile: v.profile,
    price: v.staff && v.price === 0 ? 'STAFF' : formatMoney(v.price),
    validity: cardValidity(v, profile, lang),
    /** `↓ 2 Mbps ↑ 1 Mbps`. */
    speed: speedLine(formatRateHuman(v.rateDown), formatRateHuman(v.rateUp)),
    /** The plan's data allowance (`1 GB`), null without one. */
    data: profile.dataCapBytes ? formatBytes(profile.dataCapBytes) : null,
    /** What the QR code opens (cardLink). */
    link: cardLink(target, v.code, v.password),
  };
}

interface SheetOptions {
  /** Where the QR codes point (cardLinkTarget). */
  target: CardLinkTarget;
  /** `unused` (default): only codes that can still be sold; `all`: every code of the batch. */
  include?: SheetInclude;
  /** Overrides the batch's own design for this print. */
  design?: CardDesign;
  /** WIFI_NAME; empty = the shop's name. A branch's batch prints the site's own WiFi name when it has one. */
  wifiName?: string;
  /** The first card of this part, 1-based (SHEET_MAX_CARDS cards per part). */
  from?: number;
  /** Only this code of the batch (a card printed at the moment of sale), whatever `include` says. */
  only?: string;
}

export interface PrintableSheet {
  batch: BatchView;
  cards: (SheetCard & { qr: string })[];
  shop: string;
  /** The network customers join, printed on every card. */
  wifi: string;
  /** A safe `data:image/png|jpeg;base64,` URL, or null: see safeLogo. */
  logo: string | null;
  design: CardDesign;
  /** What the design draws (the owner's for `custom`, else the fixed design's) and where it came from. */
  template: CardTemplate;
  templateFrom: TemplateSource;
  include: SheetInclude;
  /** One voucher's card (SheetOptions.only), not the batch's. */
  single: boolean;
  target: CardLinkTarget;
  /** Codes of the batch, and how many of them are left out (used, queued on a customer's device, expired, revoked) with `include=unused`. */
  total: number;
  omitted: number;
  /** This part: cards `from`..`to` (1-based) of the `chosen` codes; `to` < `from` when there are none. */
  part: { from: number; to: number; chosen: number; size: number };
}

/**
 * The shop's name and (safe) logo as printed sheets and the portal show them. Until the owner names the shop
 * (Settings → Shop and vouchers), the WiFi name they gave is the name customers know it by, not "PisoNet".
 */
export async function shopBranding(
  settings: SettingsService,
  wifiName = '',
): Promise<{ shop: string; logo: string | null }> {
  const [named, logo] = await Promise.all([
    settings.get<string | null>('shop.name', null),
    settings.get<unknown>('shop.logo', null),
  ]);
  const shop = named || wifiName || (await shopName(settings));
  return { shop, logo: safeLogo(logo) };
}

/** A card's QR code as inline SVG, no margin (the card's paper is its quiet zone). */
export function qrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
}

/**
 * Everything a printed batch needs (cards with an inline SVG QR code each, the shop's name, WiFi and logo),
 * shared by the web admin's print page and the terminal's "print sheet to a file".
 */
export async function buildSheet(
  services: {
    vouchers: VoucherService;
    profiles: ProfileService;
    settings: SettingsService;
    sites: Pick<SiteService, 'get'>;
    cards: Pick<CardTemplateService, 'forBatch'>;
  },
  batchId: number,
  opts: SheetOptions,
): Promise<PrintableSheet> {
  const { batch, vouchers: list } = await services.vouchers.batch(batchId);
  const profile = await services.profiles.get(batch.profile);
  const include = opts.include ?? 'unused';
  const chosen =
    opts.only !== undefined
      ? list.filter((v) => v.code === opts.only)
      : include === 'all'
        ? list
        : list.filter((v) => shownStatus(v) === 'unused');
  const from = Math.max(1, opts.from ?? 1);
  const part = chosen.slice(from - 1, from - 1 + SHEET_MAX_CARDS);
  const design = opts.design ?? batch.design ?? DEFAULT_CARD_DESIGN;
  const look = await services.cards.forBatch(batchId, design);
  const cards = await Promise.all(
    part.map(async (v) => {
      const card = sheetCard(v, profile.profile, opts.target, look.template.language);
      return { ...card, qr: look.template.qr ? await qrSvg(card.link) : '' };
    }),
  );
  const branding = await shopBranding(services.settings, opts.wifiName);
  // A branch's batch prints the branch's WiFi name when it has its own (a roaming batch: the shop's).
  const siteWifi =
    batch.site && !batch.roaming && batch.site.id !== DEFAULT_SITE_ID
      ? (await services.sites.get(batch.site.id)).wifiName
      : null;
  return {
    batch,
    cards,
    ...branding,
    wifi: siteWifi || opts.wifiName || branding.shop,
    design,
    template: look.template,
    templateFrom: look.from,
    include,
    single: opts.only !== undefined,
    target: opts.target,
    total: list.length,
    omitted: list.length - chosen.length,
    part: { from, to: from + part.length - 1, chosen: chosen.length, size: SHEET_MAX_CARDS },
  };
}
