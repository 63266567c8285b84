/**
 * Accounts for scripts and the owner's tools (mounted at /admin/api behind requireAdmin and the role gate):
 * the owner's cashiers and resellers, a reseller's remittances and balance, each login's end-of-shift sales,
 * and the audit log. POST /admin/api/tokens is apart (tokenRouter): it is how a script logs in.
 */
import { Router, type Request, type Response } from 'express';
import { AppError, AboveOwedError, ValidationError } from '../../domain/errors';
import { isoInstant } from '../../domain/units';
import { percentOf } from '../../domain/reseller';
import type { Actor, AccountView, BalanceView, RemittanceView, ShiftSale } from '../../services/types';
import type { ShiftMoney } from '../../services/shop/accounts/types';
import type { SubscriberTakings } from '../../services/shop/reports/money-in';
import { yesFlag } from '../../services/shop/accounts/remittances';
import type { WebContext } from '../context';
import { forbiddenRole } from '../middleware/roles';
import { shiftStart } from '../../services/shop/accounts/shift-start';
import { errorJson } from '../../lib/error-reply';
import { waitText } from './login';
import { aboveOwed, actorOf, bodyOf, money } from './api-common';

const moneyOrNull = (name: string, c: number | null) =>
  c === null ? { [name]: null, [`${name}_centavos`]: null } : money(name, c);

function accountJson(a: AccountView) {
  return {
    username: a.username,
    role: a.role,
    profiles: a.profiles,
    commission_percent: a.role === 'reseller' ? percentOf(a.commissionBp) : null,
    ...moneyOrNull('credit_limit', a.creditLimit),
    created_at: isoInstant(a.createdAt),
    updated_at: isoInstant(a.updatedAt),
  };
}

function balanceJson(b: BalanceView) {
  return {
    username: b.username,
    ...money('owed', b.owed),
    ...money('sold_value', b.soldValue),
    ...money('commission', b.commission),
    ...money('remitted', b.remitted),
    commission_percent: percentOf(b.commissionBp),
    ...moneyOrNull('credit_limit', b.creditLimit),
  };
}

function remittanceJson(r: RemittanceView) {
  return {
    id: r.id,
    ...money('amount', r.amount),
    advance: r.advance,
    at: isoInstant(r.at),
    actor: r.actor,
    voided_at: isoInstant(r.voidedAt),
    voided_by: r.voidedBy,
    void_reason: r.voidReason,
  };
}

function shiftJson(since: number, sales: ShiftSale[], extra: ShiftMoney) {
  const amount = sales.reduce((s, x) => s + x.price, 0);
  return {
    since: isoInstant(since),
    sales: sales.map((s) => ({
      code: s.code,
      profile: s.profile,
      ...money('price', s.price),
      sold_at: isoInstant(s.soldAt),
    })),
    count: sales.length,
    ...money('amount', amount),
    counter: {
      count: extra.counter.count,
      ...money('amount', extra.counter.amount),
      // Voided since (not in the figures above): each with who voided it and why.
      voided: extra.voided.map((c) => ({
        id: c.id,
        code: c.code,
        kind: c.kind,
        ...money('amount', c.amount || c.credit),
        voided_at: isoInstant(c.voidedAt),
        voided_by: c.voidedBy,
        void_reason: c.reason,
      })),
    },
    printed: { count: extra.printed.count, ...money('value', extra.printed.value) },
    subscribers: subscriberTakingsJson(extra.subscribers),
  };
}

/** A login's subscribers' payments: net of its voids, the drawer's cash apart from the other methods. */
function subscriberTakingsJson(t: SubscriberTakings) {
  return {
    count: t.count,
    reversals: t.reversals,
    ...money('amount', t.amount),
    ...money('cash', t.cash),
    ...money('other_methods', t.other),
    by_method: t.byMethod.map((m) => ({
      method: m.method,
      count: m.count,
      reversals: m.reversals,
      ...money('amount', m.amount),
    })),
  };
}

/** Who the shift is of: the account's own batches, or the owner's by name. */
export const shiftOwner = (actor: Actor) => ({ accountId: actor.account?.id ?? null, name: actor.name });

export function accountApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { accounts } = ctx.services;
  r.get('/accounts', async (_req, res) => {
    res.json({ success: true, accounts: (await accounts.list()).map(accountJson) });
  });
  r.post('/accounts', async (req, res) => {
    const made = await accounts.create(req.body ?? {}, actorOf(req));
    res.status(201).json({ success: true, account: accountJson(made) });
  });
  r.put('/accounts/:username', async (req, res) => {
    const changed = await accounts.update(req.params.username, req.body ?? {}, actorOf(req));
    res.json({ success: true, account: accountJson(changed) });
  });
  // A reseller that owes money: 409 CONFIRM_REQUIRED naming the amount, unless `?confirm=true` or {"confirm": true}.
  r.delete('/accounts/:username', async (req, res) => {
    const confirmed = yesFlag(req.query.confirm) || yesFlag(bodyOf(req).confirm);
    await accounts.remove(req.params.username, actorOf(req), { confirmed });
    res.json({ success: true });
  });
  r.post('/accounts/:username/remittances', (req, res) => remit(ctx, req, res));
  r.get('/accounts/:username/remittances', async (req, res) => {
    const list = await accounts.remittances(req.params.username);
    res.json({ success: true, remittances: list.map(remittanceJson) });
  });
  r.post('/accounts/:username/remittances/:id/void', (req, res) => voidRemittance(ctx, req, res));
  r.get('/accounts/:username/balance', (req, res) => balance(ctx, req, res));
  r.get('/reports/shift', (req, res) => shiftReport(ctx, req, res));
  r.get('/audit', (req, res) => auditLog(ctx, req, res));
  return r;
}

async function remit(ctx: WebContext, req: Request<{ username: string }>, res: Response) {
  const body = bodyOf(req);
  try {
    const b = await ctx.services.accounts.remit(req.params.username, body.amount, actorOf(req), {
      advance: yesFlag(body.advance),
    });
    res.status(201).json({ success: true, ...balanceJson(b) });
  } catch (err) {
    if (!(err instanceof AboveOwedError)) throw err;
    aboveOwed(res, err);
  }
}

async function voidRemittance(
  ctx: WebContext,
  req: Request<{ username: string; id: string }>,
  res: Response,
) {
  const { accounts } = ctx.services;
  const body = bodyOf(req);
  const v = await accounts.voidRemittance(req.params.username, req.params.id, body.reason, actorOf(req));
  res.json({
    success: true,
    remittance: remittanceJson(v),
    ...balanceJson(await accounts.balance(req.params.username)),
  });
}

async function balance(ctx: WebContext, req: Request<{ username: string }>, res: Response) {
  const { accounts } = ctx.services;
  // A reseller reads its own balance only (the table lets resellers reach this address): the account the name
  // finds must be the caller's own row, whatever the spelling of the name.
  if (req.role === 'reseller') {
    const named = await accounts.find(req.params.username);
    if (named?.id !== req.actor?.account?.id) throw forbiddenRole('reseller', "another account's balance");
  }
  res.json({ success: true, ...balanceJson(await accounts.balance(req.params.username)) });
}

async function shiftReport(ctx: WebContext, req: Request, res: Response) {
  const { accounts } = ctx.services;
  const now = ctx.clock.now();
  const since = shiftStart(req.query.since, now, ctx.config.tz);
  const who = shiftOwner(actorOf(req));
  const [sales, extra] = await Promise.all([
    accounts.shift(who, since, now + 1),
    accounts.shiftMoney(who, since, now + 1),
  ]);
  res.json({ success: true, ...shiftJson(since, sales, extra) });
}

async function auditLog(ctx: WebContext, req: Request, res: Response) {
  const raw = req.query.limit;
  const limit = raw === undefined || raw === '' ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new ValidationError('limit', 'use a whole number from 1 to 500');
  const { entries } = await ctx.services.audit.list({ limit });
  res.json({
    success: true,
    entries: entries.map((e) => {
      // Stored as `name (via)`: the account's name is `actor`, how it acted is `via`.
      const m = /^(.*) \((admin|api|cli|system|portal)\)$/.exec(e.actor);
      return {
        id: e.id,
        ts: isoInstant(e.ts),
        actor: m ? m[1] : e.actor,
        via: m ? m[2] : null,
        action: e.action,
        target: e.target,
        details: e.details,
      };
    }),
  });
}

/**
 * POST /admin/api/tokens {username, password} → 201 {token}: a script's login. Needs no other credential and
 * counts against the same delays as the login form (src/services/business/login-delays: one count for both, per name and
 * address and per address across names).
 */
export function tokenRouter(ctx: WebContext): Router {
  const r = Router();
  r.post('/api/tokens', async (req, res) => {
    const b = bodyOf(req);
    const username = typeof b.username === 'string' ? b.username.trim().slice(0, 64) : '';
    const password = typeof b.password === 'string' ? b.password : '';
    const attempt = await ctx.services.loginDelays.begin(username, req.socket.remoteAddress ?? 'unknown');
    const wait = (seconds: number, what: string) => {
      res.set('Retry-After', String(seconds));
      res
        .status(429)
        .json(
          errorJson(new AppError('RATE_LIMITED', `${what} Wait ${waitText(seconds)} and try again.`, 429)),
        );
    };
    if (!attempt.ok) return void wait(attempt.waitSeconds, 'Too many wrong passwords.');
    const issued =
      username && password ? await ctx.services.accounts.issueToken(username, password) : undefined;
    if (!issued) {
      ctx.log.warn({ module: 'admin', ip: req.socket.remoteAddress }, 'token request refused');
      if (attempt.waitIfWrong > 0) return void wait(attempt.waitIfWrong, 'Wrong username or password.');
      return void res
        .status(401)
        .json(errorJson(new AppError('UNAUTHENTICATED', 'Wrong username or password', 401)));
    }
    await ctx.services.loginDelays.succeeded(attempt);
    res.status(201).json({ success: true, token: issued.token, role: issued.account.role });
  });
  return r;
}
