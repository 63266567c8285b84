/**
 * The owner's Accounts page (cashiers and resellers: make, change, remove, record money handed over, each
 * reseller's figures), the home page a cashier or a reseller sees instead of the owner's dashboard, and the
 * printable end-of-shift slip every login has (shift-slip.ts). The role gate (src/web/middleware/roles.ts) decides who reaches which.
 */
import { Router, type Request, type Response } from 'express';
import { QUICK_PRINT_MAX } from '../../../domain/cards';
import { percentOf } from '../../../domain/reseller';
import { voucherPlans } from '../../../services/shop/profiles/billing';
import { formatMoney } from '../../../domain/units';
import type { WebContext } from '../../context';
import { shiftOwner } from '../api-accounts';
import { shiftStart } from '../../../services/shop/accounts/shift-start';
import { shiftSlip } from './shift-slip';
import { actorOf, field, flash, formFailure, refusedForm, page, type FieldErrors } from './common';

const listOf = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string' && v
      ? [v]
      : [];

export function accountRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/accounts', (_req, res) => renderAccounts(ctx, res));
  router.post('/accounts', (req, res) => addAccount(ctx, req, res));
  router.post('/accounts/:username/edit', (req, res) => editAccount(ctx, req, res));
  router.post('/accounts/:username/remove', (req, res) => removeAccount(ctx, req, res));
  router.post('/accounts/:username/remittances', (req, res) => recordRemittance(ctx, req, res));
  router.post('/accounts/:username/remittances/:id/void', (req, res) => voidRemittance(ctx, req, res));
  router.get('/shift', (req, res) => shiftSlip(ctx, req, res));
  return router;
}

type AccountForm = {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  formError?: string;
  /** An account's Edit form sent back with its problems (shown open). */
  edit?: { username: string; values: Record<string, unknown>; errors: FieldErrors; message: string };
  /** Removing a reseller that owes: the question, with the button that confirms it. */
  removeConfirm?: { username: string; message: string };
};

/** Every account with, for a reseller, its balance and the money it handed over. */
async function accountRows(ctx: WebContext) {
  const { accounts } = ctx.services;
  const [list, balances] = await Promise.all([accounts.list(), accounts.balances()]);
  const balanceOf = new Map(balances.map((b) => [b.username, b]));
  const remittancesOf = new Map(
    await Promise.all(
      balances.map(async (b) => [b.username, await accounts.remittances(b.username)] as const),
    ),
  );
  return list.map((a) => ({
    ...a,
    balance: balanceOf.get(a.username) ?? null,
    remittances: remittancesOf.get(a.username) ?? [],
  }));
}

async function renderAccounts(ctx: WebContext, res: Response, form: AccountForm = {}, status = 200) {
  const [accounts, profiles] = await Promise.all([accountRows(ctx), ctx.services.profiles.list()]);
  page(
    res,
    'accounts',
    'accounts',
    'Accounts',
    {
      accounts,
      profiles: voucherPlans(profiles).map((p) => ({ name: p.name, price: p.price })),
      percentOf,
      ...form,
      values: { role: 'cashier', commission_percent: '10', ...form.values },
      edit: form.edit ?? null,
      removeConfirm: form.removeConfirm ?? null,
    },
    status,
  );
}

/** POST /accounts: a cashier, or a reseller with its profiles, commission and credit limit. */
async function addAccount(ctx: WebContext, req: Request, res: Response) {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const role = field(b, 'role');
  const values = {
    username: field(b, 'username'),
    role,
    profiles: listOf(b.profiles),
    commission_percent: field(b, 'commission_percent'),
    credit_limit: field(b, 'credit_limit'),
  };
  try {
    const made = await ctx.services.accounts.create(
      {
        username: values.username,
        password: typeof b.password === 'string' ? b.password : '',
        role,
        ...(role === 'reseller'
          ? {
              profiles: values.profiles,
              commission_percent: values.commission_percent || undefined,
              credit_limit: values.credit_limit || undefined,
            }
          : {}),
      },
      actorOf(req),
    );
    flash(req, 'ok', `Account ${made.username} (${made.role}) made. It logs in at /admin with its password.`);
    res.redirect(303, '/admin/accounts');
  } catch (err) {
    await renderAccounts(ctx, res, ...refusedForm(err, values));
  }
}

/** The Edit form's fields as the service takes them: a password only when typed; a reseller's terms. */
function editInput(b: Record<string, unknown>, role: string) {
  const password = typeof b.password === 'string' ? b.password : '';
  const values = {
    profiles: listOf(b.profiles),
    commission_percent: field(b, 'commission_percent'),
    credit_limit: field(b, 'credit_limit'),
  };
  const input = {
    ...(password ? { password } : {}),
    ...(role === 'reseller'
      ? {
          profiles: values.profiles,
          commission_percent: values.commission_percent,
          credit_limit: values.credit_limit || null,
        }
      : {}),
  };
  return { values, input, password: Boolean(password) };
}

/** POST /accounts/:username/edit: a new password (its sessions and tokens end), or a reseller's terms. */
async function editAccount(ctx: WebContext, req: Request, res: Response) {
  const username = String(req.params.username);
  const { accounts } = ctx.services;
  const role = (await accounts.find(username))?.role ?? '';
  const { values, input, password } = editInput((req.body ?? {}) as Record<string, unknown>, role);
  try {
    const a = await accounts.update(username, input, actorOf(req));
    const ended = password ? ': its new password is in force, and it is logged out everywhere' : '';
    flash(req, 'ok', `Account ${a.username} changed${ended}.`);
    res.redirect(303, `/admin/accounts#acct-${encodeURIComponent(a.username)}`);
  } catch (err) {
    const f = formFailure(err);
    if (f.status === 404) {
      flash(req, 'error', f.message);
      return res.redirect(303, '/admin/accounts');
    }
    await renderAccounts(
      ctx,
      res,
      { edit: { username, values, errors: f.fields, message: f.message } },
      f.status,
    );
  }
}

/** Removes the account; a reseller that owes money is asked about first (the page shows the question). */
async function removeAccount(ctx: WebContext, req: Request, res: Response) {
  const username = String(req.params.username);
  try {
    const confirmed = field(req.body, 'confirm') === 'true';
    await ctx.services.accounts.remove(username, actorOf(req), { confirmed });
    flash(req, 'ok', `Account ${username} removed: it is logged out everywhere.`);
  } catch (err) {
    const f = formFailure(err);
    if (f.status === 409)
      return renderAccounts(ctx, res, { removeConfirm: { username, message: f.message } }, 409);
    flash(req, 'error', f.message);
  }
  res.redirect(303, '/admin/accounts');
}

/** Money a reseller handed over (or an advance); its balance after, in the flash. */
async function recordRemittance(ctx: WebContext, req: Request, res: Response) {
  const username = String(req.params.username);
  try {
    const advance = field(req.body, 'advance') === 'yes';
    const b = await ctx.services.accounts.remit(username, field(req.body, 'amount'), actorOf(req), {
      advance,
    });
    flash(
      req,
      'ok',
      `Recorded${advance ? ' as an advance' : ''}: ${formatMoney(b.remitted)} received from ${b.username} in all; ${formatMoney(b.owed)} still owed.`,
    );
  } catch (err) {
    const f = formFailure(err);
    flash(req, 'error', `${username}: ${f.fields.amount ?? f.message}`);
  }
  res.redirect(303, `/admin/accounts#acct-${encodeURIComponent(username)}`);
}

async function voidRemittance(ctx: WebContext, req: Request, res: Response) {
  const username = String(req.params.username);
  const { accounts } = ctx.services;
  try {
    const v = await accounts.voidRemittance(username, req.params.id, field(req.body, 'reason'), actorOf(req));
    const b = await accounts.balance(username);
    flash(
      req,
      'ok',
      `Voided: the ${formatMoney(v.amount)} remittance #${v.id} of ${b.username} no longer counts; ${formatMoney(b.owed)} owed now.`,
    );
  } catch (err) {
    const f = formFailure(err);
    flash(req, 'error', `${username}: ${f.fields.reason ?? f.message}`);
  }
  res.redirect(303, `/admin/accounts#acct-${encodeURIComponent(username)}`);
}

/** A cashier's or a reseller's home: its own figures, what it may do next. */
export async function accountHome(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const actor = actorOf(req);
  const account = actor.account!;
  const now = ctx.clock.now();
  const since = shiftStart(undefined, now, ctx.config.tz);
  const [sales, subscribers, balance, profiles, batches] = await Promise.all([
    ctx.services.accounts.shift(shiftOwner(actor), since, now + 1),
    // A cashier's subscribers' payments today (its slip's, cash apart); a reseller records none.
    ctx.services.reports.subscriberPayments({ from: since, to: now + 1, actor: actor.name }),
    account.role === 'reseller' ? ctx.services.accounts.balance(actor.name) : Promise.resolve(null),
    ctx.services.profiles.list(),
    ctx.services.reports.batches({
      limit: 5,
      accountId: account.role === 'reseller' ? account.id : undefined,
    }),
  ]);
  const sellable = voucherPlans(profiles).filter(
    (p) => account.role !== 'reseller' || account.profiles.includes(p.name),
  );
  page(res, 'home-account', 'dashboard', 'Dashboard', {
    who: actor.name,
    account,
    today: { count: sales.length, amount: sales.reduce((s, x) => s + x.price, 0) },
    subscribers,
    balance,
    percentOf,
    quickPrint: { profiles: sellable.map((p) => ({ name: p.name, price: p.price })), max: QUICK_PRINT_MAX },
    batches,
  });
}
