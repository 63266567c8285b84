/**
 * The Card design page's sample card: a made-up voucher in the shop's code style on a real plan (or a sample one),
 * drawn as the print page draws its cards (views/sheets/_card.ejs inside views/sheets/preview.ejs).
 */
import type { Request } from 'express';
import type { WebContext } from '../../context';
import type { CardTemplate } from '../../../domain/card-template';
import { CODE_ALPHABETS, type CodeAlphabet } from '../../../domain/codes';
import type { Profile } from '../../../domain/profiles';
import type { TemplateScope } from '../../../services/shop/card-templates';
import type { VoucherView } from '../../../services/types';
import { storedCodeStyle } from '../../../services/shop/vouchers/code-style';
import { cardLinkTarget } from '../../../services/shop/vouchers/card-link';
import { qrSvg, sheetCard, shopBranding } from '../../../services/shop/vouchers/sheet';
import { cardLook } from '../../../services/shop/vouchers/sheet-page';
import { ownAddress } from '../../own-address';

/** `length` characters of `alphabet`, the same every time: the sample card's code does not change as the owner types. */
function sampleOf(alphabet: CodeAlphabet, length: number): string {
  const chars = CODE_ALPHABETS[alphabet];
  return Array.from({ length }, (_, i) => chars[(i * 7 + 3) % chars.length]).join('');
}
/** The sample card's plan in a shop with no profile yet. */
const SAMPLE_PLAN = {
  name: 'BASIC',
  price: 500,
  validitySeconds: 3600,
  users: 1,
  rateUp: 512_000,
  rateDown: 1_000_000,
  capPolicy: 'none',
  timeMode: 'wallclock',
} as Profile;

/** The profile a sample card of this scope shows: its own, its batch's, else the first one on sale. */
async function sampleProfile(ctx: WebContext, scope: TemplateScope, profile?: string) {
  const { profiles } = ctx.services;
  if (profile) return profiles.get(profile);
  if (scope.kind === 'profile') return profiles.get(scope.profile);
  return (await profiles.list())[0] ?? null;
}

/** The sample card of this scope on the design's paper, drawn as the print page draws its cards. */
export async function previewLocals(
  ctx: WebContext,
  req: Request,
  scope: TemplateScope,
  template: CardTemplate,
) {
  const { services } = ctx;
  const resolved = await services.cards.resolve(scope);
  const [profile, target, branding, style] = await Promise.all([
    sampleProfile(ctx, scope, resolved.profile),
    cardLinkTarget(ctx, ownAddress(ctx, req)),
    shopBranding(services.settings, ctx.config.wifiName),
    storedCodeStyle(services.settings),
  ]);
  const plan = profile?.profile ?? SAMPLE_PLAN;
  // Only what a card prints of a voucher: a code (and password) in the shop's style, the plan, price and speeds.
  const sample = {
    code: style.prefix + sampleOf(style.alphabet, style.length),
    password: style.password ? sampleOf(style.password.alphabet, style.password.length) : null,
    profile: plan.name,
    price: plan.price,
    staff: false,
    rateUp: plan.rateUp,
    rateDown: plan.rateDown,
  } as VoucherView;
  const card = sheetCard(sample, plan, target, template.language);
  const layout = template.paper;
  const drawn = cardLook(
    {
      cards: [{ ...card, qr: template.qr ? await qrSvg(card.link) : '' }],
      template,
      shop: branding.shop,
      logo: branding.logo,
      wifi: ctx.config.wifiName || branding.shop,
      target,
    },
    layout,
  );
  return { ...drawn, layout };
}

/** The preview frame's height (px) before its script measures it, or without one: the card and its margin. */
export async function previewHeight(
  ctx: WebContext,
  req: Request,
  scope: TemplateScope,
  template: CardTemplate,
): Promise<number> {
  const { geo, layout } = await previewLocals(ctx, req, scope, template);
  const mm = layout === 'a4' ? geo.cardHeight + 6 : geo.pageHeight;
  return Math.ceil((mm * 96) / 25.4) + 20;
}
