/**
 * Admin JSON API for vouchers and profiles (auth is applied by the mount: session or Bearer token).
 * Input in human units (price in pesos, rates like "1M", durations like "30m"), parsed by the domain parsers;
 * output in integers (bits/s, bytes) plus ISO times, always with a `success` field.
 */
import { alertEventKind } from '../../domain/usage-summary';
import { Router, type Request } from 'express';
import { ownVouchersOf } from '../middleware/roles';
import { generateWithinCredit, sellerMayAsk } from './seller-batch';
import { requireOwnVoucher } from './record-scope';
import { isoInstant, parseDuration, parseMoney } from '../../domain/units';
import { ValidationError, AppError } from '../../domain/errors';
import { STATUSES } from '../../domain/vouchers';
import type { Actor, ProfileRecord, VoucherFilter, VoucherStatus, VoucherView } from '../../services/types';
import { chargeFlag, chargeJson, overageChargeJson, previewJson, voucherChargeJson } from './charge-json';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import type { StyleFigures } from '../../domain/code-style';
import { codeStyleFigures } from '../../services/vouchers/code-style';

const iso = isoInstant;

export function codeStyleJson(f: StyleFigures) {
  return {
    style: {
      alphabet: f.style.alphabet,
      length: f.style.length,
      prefix: f.style.prefix,
      password_alphabet: f.style.password?.alphabet ?? 'same',
      password_length: f.style.password?.length ?? null,
    },
    description: f.description,
    bits: Math.round(f.bits * 10) / 10,
    possible: f.possible,
    possible_text: f.possibleText,
    seconds_to_one_percent: Math.round(f.seconds),
    summary: f.summary,
    verdict: f.verdict,
    meets_floor: f.meetsFloor,
    problem: f.problem,
    min_length: f.minLength,
  };
}

export function voucherJson(v: VoucherView) {
  return {
    code: v.code,
    // The customer's secret like the code: shown to the owner, who prints it; null when the password is the code.
    password: v.password,
    profile: v.profile,
    price: v.price / 100,
    price_centavos: v.price,
    status: v.status,
    rate_up: v.rateUp,
    rate_down: v.rateDown,
    staff: v.staff,
    batch_id: v.batchId,
    created_at: iso(v.createdAt),
    activated_at: iso(v.activatedAt),
    expires_at: iso(v.expiresAt),
    ended_at: iso(v.endedAt),
    end_reason: v.endReason,
    bound_mac: v.boundMac,
    bytes_up: v.bytesUp,
    bytes_down: v.bytesDown,
    counted_bytes: v.countedBytes,
    remaining_seconds: v.remainingSeconds,
    added_seconds: v.addedSeconds,
    override: v.override,
    on_router: v.onRouter,
  };
}

export function profileJson(p: ProfileRecord) {
  return {
    ...p.json,
    // Every profile says how it is sold: `prepaid` (vouchers) or `monthly` (subscribers).
    billing: p.profile.billing ?? 'prepaid',
    id: p.id,
    price_centavos: p.price,
    source: p.source,
    archived: p.archived,
    // The site it is sold on only (its name, as `site` is sent back on an edit), or null: every site.
    site: p.site?.name ?? null,
    site_id: p.site?.id ?? null,
    updated_at: iso(p.updatedAt),
  };
}

const actorOf = (req: Request): Actor => req.actor ?? { name: 'unknown', via: 'api' };

function optionalInt(v: unknown, field: string, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  // Only numbers and their text: Number() would also read [8] as 8.
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw ValidationError.invalid(field, v, 'a whole number', `use ${min} to ${max}`);
  return n;
}

/** An optional text field: absent or a string; a list or an object is refused rather than turned into text. */
function optionalText(v: unknown, field: string, what: string, forms: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw ValidationError.invalid(field, v, what, forms);
  return v;
}

/** `true`/`false` (or their text, as a form sends them); anything else is refused, not read as false. */
function optionalFlag(v: unknown, field: string): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw ValidationError.invalid(field, v, 'true or false', 'use true or false');
}

/** A profile name the caller must send: missing, or not text, says so under `profile`. */
function profileName(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (v === undefined || v === '')
    throw new AppError('INVALID_INPUT', 'profile: missing; name a profile like BASIC', 400, 'profile', {
      profile: 'missing',
    });
  throw ValidationError.invalid('profile', v, 'a profile name', 'name a profile like BASIC');
}

/**
 * A batch's code style as the API takes it (src/domain/code-style.ts checks it against the shop's): `alphabet`
 * digits | lowercase | uppercase, `length`, `prefix`, `password_alphabet` same | digits | lowercase | uppercase,
 * `password_length`. Left out: the shop's (Settings).
 */
function styleInput(b: Record<string, unknown>) {
  const alphabets = 'use digits, lowercase or uppercase';
  return {
    alphabet: optionalText(b.alphabet, 'alphabet', 'a code alphabet', alphabets),
    length: optionalInt(b.length, 'length', 1, 64),
    prefix: optionalText(b.prefix, 'prefix', 'a code prefix', 'use up to 8 letters or digits, like WIFI'),
    passwordAlphabet: optionalText(
      b.password_alphabet,
      'password_alphabet',
      'a password choice',
      `use same, or ${alphabets.slice(4)}`,
    ),
    passwordLength: optionalInt(b.password_length, 'password_length', 1, 64),
  };
}

/** Query string → filter; unknown statuses are refused rather than silently ignored. */
export function parseFilter(q: Record<string, unknown>): VoucherFilter {
  const status = typeof q.status === 'string' && q.status !== '' ? q.status : undefined;
  if (status !== undefined && !STATUSES.includes(status as VoucherStatus)) {
    throw ValidationError.invalid('status', status, 'a voucher status', `use one of: ${STATUSES.join(', ')}`);
  }
  return {
    status: status as VoucherStatus | undefined,
    profile: typeof q.profile === 'string' && q.profile !== '' ? q.profile : undefined,
    batchId: optionalInt(q.batch, 'batch', 1, Number.MAX_SAFE_INTEGER),
    search: typeof q.search === 'string' && q.search !== '' ? q.search : undefined,
    limit: optionalInt(q.limit, 'limit', 1, 10_000),
    offset: optionalInt(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}

export function voucherApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { vouchers, profiles } = ctx.services;

  r.post('/vouchers', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    sellerMayAsk(req, b);
    const profile = profileName(b.profile);
    const count = typeof b.count === 'string' ? Number(b.count) : b.count;
    const out = await generateWithinCredit(res, () =>
      vouchers.generate(
        {
          profile,
          count: count as number,
          ...styleInput(b),
          price: b.price === undefined || b.price === '' ? undefined : parseMoney(b.price, 'price'),
          // Passed as sent: the service parses and bounds them (a list or an object is refused there too).
          rateUp: b.rate_up === undefined || b.rate_up === '' ? undefined : (b.rate_up as string),
          rateDown: b.rate_down === undefined || b.rate_down === '' ? undefined : (b.rate_down as string),
          staff: optionalFlag(b.staff, 'staff'),
          note: optionalText(b.note, 'note', 'a note', 'use text of at most 200 characters'),
          design: optionalText(b.design, 'design', 'a card design', 'use custom, compact or logo'),
          // The site's id or name (the service looks it up); roaming: valid on every site.
          site: b.site === undefined || b.site === null || b.site === '' ? undefined : (b.site as string),
          roaming: optionalFlag(b.roaming, 'roaming'),
        },
        actorOf(req),
      ),
    );
    if (!out) return;
    res.status(201).json({
      success: true,
      batch_id: out.batchId,
      design: out.design,
      router_pending: out.routerPending,
      vouchers: out.vouchers.map((v) => ({
        code: v.code,
        password: v.password,
        profile: v.profile,
        price: v.price / 100,
        price_centavos: v.price,
        status: v.status,
      })),
    });
  });

  // A style's figures before generating (the admin's batch form asks as the owner types): its shape is checked
  // (400 with field errors); whether it meets the guessing floor is `meets_floor`, with `problem` saying why not.
  r.get('/code-style', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const f = await codeStyleFigures(ctx.services.settings, styleInput(q));
    res.json({ success: true, ...codeStyleJson(f) });
  });

  r.get('/vouchers', async (req, res) => {
    const siteId = await apiSiteId(ctx, req);
    const out = await vouchers.list({
      ...parseFilter(req.query as Record<string, unknown>),
      siteId,
      accountId: ownVouchersOf(req),
    });
    res.json({ success: true, total: out.total, vouchers: out.vouchers.map(voucherJson) });
  });

  r.get('/vouchers/:code', async (req, res) => {
    const d = await vouchers.get(req.params.code);
    await requireOwnVoucher(ctx.services.accounts, req, d);
    res.json({
      success: true,
      voucher: {
        ...voucherJson(d),
        state: d.state,
        state_reason: d.stateReason,
        // The extra data its plan sells at the cap (price in centavos), and what was bought so far.
        overage: d.overage && {
          bytes: d.overage.bytes,
          price_centavos: d.overage.price,
          available_now: d.overage.availableNow,
        },
        overage_bought: {
          bytes: d.overageBought.bytes,
          amount: d.overageBought.amount,
          count: d.overageBought.count,
        },
        fup_threshold_bytes: d.fupThresholdBytes,
        cap_bytes: d.capBytes,
        added_bytes: d.addedBytes,
        added_fup_bytes: d.addedFupBytes,
        usage: {
          used_bytes: d.usage.used,
          counted_bytes: d.usage.counted,
          left_bytes: d.usage.left,
          used_percent: d.usage.usedPercent,
          alert: d.usage.alert && { kind: alertEventKind(d.usage.alert), percent: d.usage.alert.percent },
        },
        devices: d.devices.map((x) => ({
          ...x,
          firstSeenAt: iso(x.firstSeenAt),
          lastSeenAt: iso(x.lastSeenAt),
        })),
        events: d.events.map((e) => ({ ...e, ts: iso(e.ts) })),
        charges: d.charges.map(voucherChargeJson),
      },
    });
  });

  r.post('/vouchers/:code/revoke', async (req, res) => {
    res.json({ success: true, voucher: voucherJson(await vouchers.revoke(req.params.code, actorOf(req))) });
  });

  r.post('/vouchers/:code/extend', async (req, res) => {
    const body = req.body ?? {};
    const raw = body.duration;
    const seconds = typeof raw === 'number' ? raw : parseDuration(raw, 'duration');
    const confirmed = body.confirm === true || body.confirm === 'true' || body.confirm === 'yes';
    const added = body.added_seconds;
    if (added !== undefined && !(typeof added === 'number' && Number.isSafeInteger(added) && added >= 0))
      throw new AppError(
        'INVALID_INPUT',
        'added_seconds: use the whole seconds the voucher showed',
        400,
        'added_seconds',
        {
          added_seconds: "use the voucher's added_seconds as it was shown, a whole number",
        },
      );
    // A counter sale: its price, or the plan's pro-rata price for the time added.
    const sale = await vouchers.sellTime(req.params.code, seconds, actorOf(req), {
      confirmed,
      price: body.price,
      priceConfirmed: confirmed,
      addedSeconds: added as number | undefined,
    });
    res.json({
      success: true,
      voucher: voucherJson(sale.voucher),
      sale: {
        seconds: sale.seconds,
        price: (sale.price ?? 0) / 100,
        price_centavos: sale.price ?? 0,
        charge_id: sale.chargeId,
      },
    });
  });

  // What a move would charge or credit (the prorated price difference), changing nothing.
  r.get('/vouchers/:code/profile-change', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const name = profileName(q.profile);
    const charge = chargeFlag(q.charge);
    const preview = await vouchers.previewProfileChange(req.params.code, name, { charge });
    res.json({ success: true, ...previewJson(preview) });
  });

  r.post('/vouchers/:code/profile', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = profileName(body.profile);
    const charge = chargeFlag(body.charge);
    const out = await vouchers.changeProfile(req.params.code, name, actorOf(req), { charge });
    res.json({
      success: true,
      voucher: voucherJson(out.voucher),
      charge: chargeJson(out.voucher.code, out.charge),
    });
  });

  // Extra data at the counter: one purchase of the plan's offer, for a voucher waiting at its cap.
  r.post('/vouchers/:code/overage', async (req, res) => {
    const out = await vouchers.addOverage(req.params.code, actorOf(req));
    res.json({
      success: true,
      voucher: voucherJson(out.voucher),
      charge: overageChargeJson(out.voucher.code, out.charge),
      applied_now: out.appliedNow,
    });
  });

  r.get('/profiles', async (req, res) => {
    // `?site=`: what that site sells (shared profiles and its own).
    const siteId = await apiSiteId(ctx, req);
    const list = await profiles.list({ includeArchived: req.query.archived === 'true', siteId });
    res.json({ success: true, profiles: list.map(profileJson) });
  });

  r.post('/profiles', async (req, res) => {
    if (Array.isArray(req.body)) {
      // A whole profiles.json list, as the original PisoNet's file holds it: imported in one step.
      const result = await profiles.importProfiles(req.body, {}, actorOf(req));
      res.status(result.applied ? 201 : 200).json({ success: true, ...result });
      return;
    }
    res
      .status(201)
      .json({ success: true, profile: profileJson(await profiles.create(req.body, actorOf(req))) });
  });

  r.post('/profiles/import', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const list = Array.isArray(body) ? body : body.profiles;
    const dryRun = !Array.isArray(body) && (body.dry_run === true || body.dry_run === 'true');
    // `site`: every profile in the list is for that site only; absent: new ones shared, others keep theirs.
    const site = Array.isArray(body) ? undefined : body.site;
    const result = await profiles.importProfiles(list, { dryRun, site }, actorOf(req));
    res.json({ success: true, dry_run: dryRun, ...result });
  });

  r.post('/profiles/:name/archive', async (req, res) => {
    const p = await profiles.setArchived(req.params.name, true, actorOf(req));
    res.json({ success: true, profile: profileJson(p) });
  });

  r.post('/profiles/:name/restore', async (req, res) => {
    const p = await profiles.setArchived(req.params.name, false, actorOf(req));
    res.json({ success: true, profile: profileJson(p) });
  });

  r.put('/profiles/:name', async (req, res) => {
    res.json({
      success: true,
      profile: profileJson(await profiles.update(req.params.name, req.body, actorOf(req))),
    });
  });

  return r;
}
