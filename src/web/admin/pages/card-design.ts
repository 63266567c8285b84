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
import { toAppError } from '../../../lib/error-reply';
import type { TemplateScope } from '../../../services/shop/card-templates';
import { shopBranding } from '../../../services/shop/vouchers/sheet';
import { isMonthly } from '../../../services/shop/profiles/billing';
import { previewHeight, previewLocals } from './card-preview';
import { actorOf, field, flash, refusedForm, page } from './common';

const PRICE_LABELS: Record<(typeof PRICE_STYLES)[number], string> = {
  big: 'Big, at the top',
  line: 'Small, beside the plan',
  none: 'Not printed',
};

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
  router.get('/cards', async (req, res) => {
    await renderEditor(ctx, req, res, scopeOf(req.query as Record<string, unknown>));
  });
  router.get('/cards/preview', (req, res) => previewDocument(ctx, req, res));
  router.post('/cards', (req, res) => saveDesign(ctx, req, res));
  return router;
}

/** What the editor shows instead of the stored design: what was typed, its problems, and (a preview) its check. */
interface Typed {
  values: Record<string, string>;
  errors: Record<string, string>;
  formError: string | null;
  checked?: CardTemplate;
}

/** The preview frame's address: the scope and the form's values. */
function previewUrl(scope: TemplateScope, values: Record<string, string>): string {
  const q = new URLSearchParams({
    ...(scope.kind === 'batch' ? { batch: String(scope.batchId) } : {}),
    ...(scope.kind === 'profile' ? { profile: scope.profile } : {}),
    ...values,
  }).toString();
  return `/admin/cards/preview?${q}`;
}

/** What the design is for, in the page's title: the shop, a profile, or a batch. */
function subjectOf(scope: TemplateScope, profile: string | undefined): string {
  if (scope.kind === 'shop') return 'the shop';
  return scope.kind === 'profile' ? profile! : `batch #${scope.batchId}`;
}

/** The choices the form offers, with their labels. */
const FORM_CHOICES = {
  facts: CARD_FACTS.map((f) => ({ name: `show_${f}`, label: CARD_FACT_LABELS[f] })),
  priceStyles: PRICE_STYLES.map((p) => ({ value: p, label: PRICE_LABELS[p] })),
  papers: SHEET_LAYOUTS.map((l) => ({ value: l, label: SHEET_LAYOUT_LABELS[l] })),
  languages: CARD_LANGUAGES.map((l) => ({ value: l, label: CARD_LANGUAGE_LABELS[l] })),
};

async function renderEditor(
  ctx: WebContext,
  req: Request,
  res: Response,
  scope: TemplateScope,
  typed?: Typed,
  status = 200,
) {
  const { services } = ctx;
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
  const subject = subjectOf(scope, resolved.profile);
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
      // Plans sold on cards (a monthly plan never is), and any plan that has a design of its own.
      profiles: profiles
        .filter((p) => !isMonthly(p) || overview.profiles.includes(p.name))
        .map((p) => p.name),
      hasLogo: branding.logo !== null,
      values,
      errors: typed?.errors ?? {},
      formError: typed?.formError ?? null,
      previewUrl: previewUrl(scope, values),
      previewHeight: await previewHeight(ctx, req, scope, shown),
      ...FORM_CHOICES,
      scripts: ['/public/js/admin-card-design.js'],
    },
    status,
  );
}

/** GET /cards/preview, the iframe's document: what the form holds now, checked but not saved. */
async function previewDocument(ctx: WebContext, req: Request, res: Response) {
  const q = req.query as Record<string, unknown>;
  const scope = scopeOf(q);
  try {
    const template = await ctx.services.cards.check(scope, templateInput(q));
    res.render('sheets/preview', { problems: [], ...(await previewLocals(ctx, req, scope, template)) });
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) throw err;
    const problems = Object.entries(e.fields ?? {}).map(([k, v]) => `${k}: ${v}`);
    res.status(e.status).render('sheets/preview', { problems: problems.length ? problems : [e.message] });
  }
}

/** POST /cards: the design reset to the one above it, previewed (`action=preview`), or saved. */
async function saveDesign(ctx: WebContext, req: Request, res: Response) {
  const { cards } = ctx.services;
  const body = req.body as Record<string, unknown>;
  const scope = scopeOf(body);
  const action = field(body, 'action');
  const back = `/admin/cards${scopeQuery(scope)}`;
  if (action === 'reset') {
    const removed = await cards.remove(scope, actorOf(req));
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
      const checked = await cards.check(scope, input);
      return renderEditor(ctx, req, res, scope, { values, errors: {}, formError: null, checked });
    }
    await cards.save(scope, input, actorOf(req));
    flash(req, 'ok', 'Card design saved. Cards printed from now on use it.');
    res.redirect(303, back);
  } catch (err) {
    await renderEditor(ctx, req, res, scope, ...refusedForm(err, values, formField));
  }
}
