/**
 * The board's side (docs/vendo-protocol.md): signed requests, the poll that arms the coin acceptor, and coins.
 * A coin is written once per (vendo, seq) by the database's unique key, so a board that retries after a lost
 * reply, or a request duplicated or delayed on the network, is answered again and never credited twice.
 */
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { rawRows } from '../../../db/knex';
import { bestPurchase, parseCoinAmount } from '../../../domain/vendo';
import { ValidationError, AppError } from '../../../domain/errors';
import { formatMoney } from '../../../domain/units';
import type { Clock } from '../../../lib/clock';
import type { ShopDeps } from '../../deps';
import type { SecretBox } from './secrets';
import { MAX_SKEW_SECONDS, signatureMatches } from './signature';
import { expireWindows, ratesOf, type SessionRow, type VendoRow, type VendoRowCache } from './store';
import type { AuthedVendo, BoardRequest, CoinReply, PollReply } from './types';

const authError = (why: string) => new AppError('VENDO_AUTH', why, 401);
/** Last-seen times are written at most this often per vendo (a board may poll every second). */
const SEEN_WRITE_MS = 10_000;
const MAX_SEQ = 2 ** 31 - 1;

type BoardParts = { box: SecretBox; events: EventEmitter; rows: VendoRowCache; realClock?: Clock };

/** What the board's steps work with: the deps, and the secrets opened and last-seen times written so far. */
interface Board {
  deps: ShopDeps;
  d: BoardParts;
  secrets: Map<string, { sealed: string; secret: string }>;
  seenWritten: Map<string, number>;
}

export function vendoBoard(deps: ShopDeps, d: BoardParts) {
  const b: Board = { deps, d, secrets: new Map(), seenWritten: new Map() };
  return {
    authenticate: (req: BoardRequest) => authenticate(b, req),
    poll: (vendo: AuthedVendo, waitMs = 0, signal?: AbortSignal) => poll(b, vendo, waitMs, signal),
    coin: (vendo: AuthedVendo, body: unknown) => coin(b, vendo, body),
  };
}

function secretOf(b: Board, row: VendoRow): string {
  const hit = b.secrets.get(row.id);
  if (hit && hit.sealed === row.secret_enc) return hit.secret;
  const secret = b.d.box.open(row.secret_enc);
  b.secrets.set(row.id, { sealed: row.secret_enc, secret });
  return secret;
}

/**
 * A window's credit not spent yet (its coins a Done has not claimed) and whether it is still open: what a board
 * shows after a coin. A coin after the window closed is saved credit, and coins a Done spent are no longer credit.
 */
async function windowNow(
  db: Knex,
  sessionId: string,
  now: number,
): Promise<{ credit: number; open: boolean }> {
  const w = (await db('vendo_sessions as s')
    .where('s.id', sessionId)
    .first(
      's.state',
      's.expires_at',
      db.raw(
        '(SELECT SUM(amount) FROM vendo_coins c WHERE c.session_id = s.id AND c.claimed_at IS NULL) AS credit',
      ),
    )) as { state: string; expires_at: number; credit: number | null } | undefined;
  return { credit: Number(w?.credit ?? 0), open: w?.state === 'armed' && Number(w.expires_at) > now };
}

/** The request's headers present, its time near ours (the machine's), and signed with the vendo's secret. */
function checkHeaders(b: Board, req: BoardRequest): void {
  if (!req.id || req.id.length > 32 || !req.timestamp || !req.signature)
    throw authError('X-Vendo-Id, X-Vendo-Timestamp and X-Vendo-Signature are required');
  if (!/^\d{1,12}$/.test(req.timestamp)) throw authError('X-Vendo-Timestamp must be Unix seconds');
  const skew = Math.abs((b.d.realClock ?? b.deps.clock).now() / 1000 - Number(req.timestamp));
  if (skew > MAX_SKEW_SECONDS)
    throw authError(
      `X-Vendo-Timestamp is ${Math.round(skew)} s away from the controller's clock (at most ${MAX_SKEW_SECONDS} s)`,
    );
}

async function authenticate(b: Board, req: BoardRequest): Promise<AuthedVendo> {
  const { db, clock } = b.deps;
  checkHeaders(b, req);
  const row = await b.d.rows.get(req.id, () => db('vendos').where({ id: req.id }).first());
  // The same answer for an unknown vendo and a wrong signature: nothing to learn by trying ids.
  if (
    !row ||
    !signatureMatches(secretOf(b, row), req.signature, req.timestamp, req.method, req.path, req.body)
  )
    throw authError('signature does not match');
  if (!row.enabled) throw new AppError('VENDO_DISABLED', 'This vendo is switched off in the admin', 403);
  const now = clock.now();
  if (now - (b.seenWritten.get(row.id) ?? 0) >= SEEN_WRITE_MS) {
    b.seenWritten.set(row.id, now);
    await db('vendos').where({ id: row.id }).update({ last_seen_at: now, last_ip: req.ip });
  }
  return { id: row.id, name: row.name, rates: ratesOf(row) };
}

/** The vendo's armed window now (expired ones closed first), or idle. */
async function readWindow(b: Board, vendo: AuthedVendo): Promise<PollReply> {
  const { db, clock } = b.deps;
  const now = clock.now();
  await expireWindows(db, now, vendo.id);
  const s = (await db('vendo_sessions').where({ vendo_id: vendo.id, state: 'armed' }).first()) as
    SessionRow | undefined;
  if (!s) return { state: 'idle' };
  return {
    state: 'armed',
    session: s.id,
    expiresIn: Math.max(0, Math.ceil((Number(s.expires_at) - now) / 1000)),
    credit: (await windowNow(db, s.id, now)).credit,
  };
}

async function poll(b: Board, vendo: AuthedVendo, waitMs: number, signal?: AbortSignal): Promise<PollReply> {
  const first = await readWindow(b, vendo);
  if (first.state === 'armed' || waitMs <= 0 || signal?.aborted) return first;
  // Long poll: held until a customer starts a window on this vendo, the wait ends or the board hangs up.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      b.d.events.off(`armed:${vendo.id}`, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    b.d.events.on(`armed:${vendo.id}`, done);
    signal?.addEventListener('abort', done);
  });
  // A board that hung up reads no answer; at shutdown the database may already be closing under it.
  if (signal?.aborted) return first;
  return readWindow(b, vendo);
}

function coinSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ)
    throw ValidationError.invalid('seq', seq, 'a coin number', `use a whole number from 1 to ${MAX_SEQ}`);
  return seq;
}

async function coin(b: Board, vendo: AuthedVendo, body: unknown): Promise<CoinReply> {
  const { db, clock } = b.deps;
  const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const seq = coinSeq(o.seq);
  const sessionId = typeof o.session === 'string' ? o.session.slice(0, 32) : '';
  const amount = parseCoinAmount(o.amount);
  const now = clock.now();
  if (!(await insertCoin(db, { vendoId: vendo.id, seq, sessionId, amount, now })))
    return repeatedCoin(db, vendo, seq, now);
  // The window and the credit after this coin, in one read.
  const { credit, open } = await windowNow(db, sessionId, now);
  if (!open)
    b.deps.log.info(
      { module: 'vendo', vendo: vendo.id, seq, amount: amount / 100 },
      `coin of ${formatMoney(amount)} after its window closed on ${vendo.name}: kept as the device's saved credit`,
    );
  b.d.events.emit(`coin:${sessionId}`);
  return { credit, seconds: bestPurchase(vendo.rates, credit).seconds, duplicate: false, saved: !open };
}

/**
 * One statement, one commit: the coin is written only for a window of this vendo, the unique (vendo, seq)
 * key makes a repeat a no-op (false), and the coin restarts its window in the same statement (trigger
 * vendo_coin_restarts_window, migration 0011a).
 */
async function insertCoin(
  db: Knex,
  c: { vendoId: string; seq: number; sessionId: string; amount: number; now: number },
): Promise<boolean> {
  const inserted = rawRows<{ id: number }>(
    await db.raw(
      `INSERT INTO vendo_coins (vendo_id, seq, session_id, amount, mac, received_at)
         SELECT s.vendo_id, ?, s.id, ?, s.mac, ? FROM vendo_sessions s WHERE s.id = ? AND s.vendo_id = ?
         ON CONFLICT (vendo_id, seq) DO NOTHING RETURNING id`,
      [c.seq, c.amount, c.now, c.sessionId, c.vendoId],
    ),
  );
  return inserted.length > 0;
}

/** A coin not written: the same coin again is answered as before; a coin for no window of this vendo is refused. */
async function repeatedCoin(db: Knex, vendo: AuthedVendo, seq: number, now: number): Promise<CoinReply> {
  const before = (await db('vendo_coins').where({ vendo_id: vendo.id, seq }).first('session_id')) as
    { session_id: string } | undefined;
  if (!before)
    throw new AppError(
      'UNKNOWN_SESSION',
      'No coin window with that session on this vendo; keep the coin and poll again',
      409,
      'session',
    );
  const { credit, open } = await windowNow(db, before.session_id, now);
  return { credit, seconds: bestPurchase(vendo.rates, credit).seconds, duplicate: true, saved: !open };
}
