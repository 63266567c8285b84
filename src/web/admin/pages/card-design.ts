/**
 * The Card design page: the owner's printed cards (wording, colours, which facts, logo, QR, paper) for the shop,
 * one profile or one batch, with a live preview drawn by the same partial as the print page
 * (views/sheets/_card.ejs inside views/sheets/preview.ejs, in an iframe). public/js/admin-card-design.js reloads
 * the preview as the owner types; without JavaScript the Preview button posts the form and the page comes back
 * with the preview of what was typed, unsaved.
 */
import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import {
  CARD_FACT_LABELS,
  CARD_FACTS,
  CARD_LANGUAGE_LABELS,
  CARD_LANGUAGES,
  PRICE_STYLES,
  type CardTemplate,
} from '../../../domain/card-template';
import { SHEET_LAYOUT_LABELS, SHEET_LAYOUTS } from '../../../domain/cards';
import { CODE_ALPHABETS, type CodeAlphabet } from '../../../domain/codes';
import { storedCodeStyle } from '../../../services/vouchers/code-style';
import { toAppError } from '../../../lib/error-reply';
import type { TemplateScope } from '../../../services/card-templates';
import { cardLinkTarget } from '../../../services/vouchers/card-link';
import { qrSvg, sheetCard, shopBranding } from '../../../services/vouchers/sheet';
import { cardLook } from '../../../services/vouchers/sheet-page';
import type { Profile } from '../../../domain/profiles';
import type { ProfileRecord, VoucherView } from '../../../services/types';
import { portalBase } from '../sheets';
import { actorOf, field, flash, formFailure, page } from './common';

const PRICE_LABELS: Record<(typeof PRICE_STYLES)[number], string> = {
  big: 'Big, at the top',
  line: 'Small, beside the plan',
  none: 'Not printed',
};

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

/** The scope a request names: `?profile=` or `?batch=` (query or form), else the shop. */
function scopeOf(source: Record<string, unknown>): TemplateScope {
  const batch = field(source, 'batch');
  if (batch !== '') return { kind: 'batch', batchId: /^\d{1,9}$/.test(batch) ? Number(batch) : -1 };
  const profile = field(source, 'profile');
  if (profile !== '') return { kind: 'profile', profile };
  return { kind: 'shop' };
}

function scopeQuery(scope: TemplateScope): string {
  if (scope.kind === 'batch') return `?batch=${scope.batchId}`;
  if (scope.kind === 'profile') return `?profile=${encodeURIComponent(scope.profile)}`;
  return '';
}

/** The form's (or the preview's query's) fields as a template the service checks; boxes not ticked are off. */
function templateInput(source: Record<string, unknown>): Record<string, unknown> {
  const on = (name: string) => field(source, name) === 'on';
  return {
    headline: field(source, 'headline'),
    footer: field(source, 'footer'),
    accent: field(source, 'accent'),
    background: field(source, 'background'),
    logo: on('logo'),
    qr: on('qr'),
    price: field(source, 'price'),
    paper: field(source, 'paper'),
    language: field(source, 'language') || undefined,
    show: Object.fromEntries(CARD_FACTS.map((f) => [f, on(`show_${f}`)])),
  };
}

/** A template as the form's values (and the preview's query). */
function formValues(t: CardTemplate): Record<string, string> {
  const out: Record<string, string> = {
    headline: t.headline,
    footer: t.footer,
    accent: t.accent,
    background: t.background,
    price: t.price,
    paper: t.paper,
    language: t.language,
  };
  if (t.logo) out.logo = 'on';
  if (t.qr) out.qr = 'on';
  for (const f of CARD_FACTS) if (t.show[f]) out[`show_${f}`] = 'on';
  return out;
}

/** The form as the owner left it, to show again after a preview or a refusal. */
function typedValues(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['headline', 'footer', 'accent', 'background', 'price', 'paper', 'language'])
    out[k] = field(body, k);
  for (const k of ['logo', 'qr', ...CARD_FACTS.map((f) => `show_${f}`)])
    if (field(body, k) === 'on') out[k] = 'on';
  return out;
}

/** Service field names (`show.wifi`) as the form's (`show_wifi`). */
const formField = (k: string) => k.replace('.', '_');

export function cardDesignRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services } = ctx;

  /** The profile a sample card of this scope shows: its own, its batch's, else the first one on sale. */
  async function sampleProfile(scope: TemplateScope, profile?: string): Promise<ProfileRecord | null> {
    if (profile) return services.profiles.get(profile);
    if (scope.kind === 'profile') return services.profiles.get(scope.profile);
    return (await services.profiles.list())[0] ?? null;
  }

  /** The sample card of this scope on the design's paper, drawn as the print page draws its cards. */
  async function previewLocals(req: Request, scope: TemplateScope, template: CardTemplate) {
    const resolved = await services.cards.resolve(scope);
    const [profile, target, branding, style] = await Promise.all([
      sampleProfile(scope, resolved.profile),
      cardLinkTarget(ctx, portalBase(ctx, req)),
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
  async function previewHeight(req: Request, scope: TemplateScope, template: CardTemplate): Promise<number> {
    const { geo, layout } = await previewLocals(req, scope, template);
    const mm = layout === 'a4' ? geo.cardHeight + 6 : geo.pageHeight;
    return Math.ceil((mm * 96) / 25.4) + 20;
  }

  async function renderEditor(
    req: Request,
    res: Response,
    scope: TemplateScope,
    typed?: {
      values: Record<string, string>;
      errors: Record<string, string>;
      formError: string | null;
      checked?: CardTemplate;
    },
    status = 200,
  ) {
    const [own, resolved, overview, profiles, branding] = await Promise.all([
      services.cards.own(scope),
      services.cards.resolve(scope),
      services.cards.overview(),
      services.profiles.list(),
      shopBranding(services.settings, ctx.config.wifiName),
    ]);
    const values = typed?.values ?? formValues(own ?? resolved.template);
    // The typed design when it passes (a preview), else the one saved.
    const shown = typed?.checked ?? own ?? resolved.template;
    const previewQuery = new URLSearchParams({
      ...(scope.kind === 'batch' ? { batch: String(scope.batchId) } : {}),
      ...(scope.kind === 'profile' ? { profile: scope.profile } : {}),
      ...values,
    }).toString();
    const subject =
      scope.kind === 'shop'
        ? 'the shop'
        : scope.kind === 'profile'
          ? resolved.profile!
          : `batch #${scope.batchId}`;
    page(
      res,
      'cards/editor',
      'vouchers',
      `Card design: ${subject}`,
      {
        // Not `scope`: EJS takes a local of that name for one of its options.
        designScope: scope,
        subject,
        own: own !== null,
        inherited: resolved.from,
        profileName: resolved.profile ?? null,
        overview,
        profiles: profiles.map((p) => p.name),
        hasLogo: branding.logo !== null,
        values,
        errors: typed?.errors ?? {},
        formError: typed?.formError ?? null,
        previewUrl: `/admin/cards/preview?${previewQuery}`,
        previewHeight: await previewHeight(req, scope, shown),
        facts: CARD_FACTS.map((f) => ({ name: `show_${f}`, label: CARD_FACT_LABELS[f] })),
        priceStyles: PRICE_STYLES.map((p) => ({ value: p, label: PRICE_LABELS[p] })),
        papers: SHEET_LAYOUTS.map((l) => ({ value: l, label: SHEET_LAYOUT_LABELS[l] })),
        languages: CARD_LANGUAGES.map((l) => ({ value: l, label: CARD_LANGUAGE_LABELS[l] })),
        scripts: ['/public/js/admin-card-design.js'],
      },
      status,
    );
  }

  router.get('/cards', async (req, res) => {
    await renderEditor(req, res, scopeOf(req.query as Record<string, unknown>));
  });

  // The preview document (the iframe's): what the form holds now, checked but not saved.
  router.get('/cards/preview', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const scope = scopeOf(q);
    try {
      const template = await services.cards.check(scope, templateInput(q));
      res.render('sheets/preview', { problems: [], ...(await previewLocals(req, scope, template)) });
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      const problems = Object.entries(e.fields ?? {}).map(([k, v]) => `${k}: ${v}`);
      res.status(e.status).render('sheets/preview', { problems: problems.length ? problems : [e.message] });
    }
  });

  router.post('/cards', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const scope = scopeOf(body);
    const action = field(body, 'action');
    const back = `/admin/cards${scopeQuery(scope)}`;
    if (action === 'reset') {
      const removed = await services.cards.remove(scope, actorOf(req));
      flash(
        req,
        'ok',
        removed ? 'This card design was removed: the one above it applies again.' : 'Nothing to remove.',
      );
      return res.redirect(303, back);
    }
    const input = templateInput(body);
    const values = typedValues(body);
    try {
      if (action === 'preview') {
        const checked = await services.cards.check(scope, input);
        return renderEditor(req, res, scope, { values, errors: {}, formError: null, checked });
      }
      await services.cards.save(scope, input, actorOf(req));
      flash(req, 'ok', 'Card design saved. Cards printed from now on use it.');
      res.redirect(303, back);
    } catch (err) {
      const f = formFailure(err, formField);
      await renderEditor(req, res, scope, { values, errors: f.fields, formError: f.message }, f.status);
    }
  });

  return router;
}
