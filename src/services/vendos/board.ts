/**
 * The board's side (docs/vendo-protocol.md): signed requests, the poll that arms the coin acceptor, and coins.
 * A coin is written once per (vendo, seq) by the database's unique key, so a board that retries after a lost
 * reply, or a request duplicated or delayed on the network, is answered again and never credited twice.
 */
import { EventEmitter } from 'node:events';
import { rawRows } from '../../db/knex';
import { bestPurchase, parseCoinAmount } from '../../domain/vendo';
import { ValidationError, AppError } from '../../domain/errors';
import type { Clock } from '../../lib/clock';
import type { ShopDeps } from '../deps';
import type { SecretBox } from './secrets';
import { MAX_SKEW_SECONDS, signatureMatches } from './signature';
import { expireWindows, ratesOf, type SessionRow, type VendoRow, type VendoRowCache } from './store';
import type { AuthedVendo, BoardRequest, CoinReply, PollReply } from './types';

const authError = (why: string) => new AppError('VENDO_AUTH', why, 401);
/** Last-seen times are written at most this often per vendo (a board may poll every second). */
const SEEN_WRITE_MS = 10_000;
const MAX_SEQ = 2 ** 31 - 1;

export function vendoBoard(
  deps: ShopDeps,
  d: { box: SecretBox; events: EventEmitter; rows: VendoRowCache; realClock?: Clock },
) {
  const { db, clock, log } = deps;
  const secrets = new Map<string, { sealed: string; secret: string }>();
  const seenWritten = new Map<string, number>();

  function secretOf(row: VendoRow): string {
    const hit = secrets.get(row.id);
    if (hit && hit.sealed === row.secret_enc) return hit.secret;
    const secret = d.box.open(row.secret_enc);
    secrets.set(row.id, { sealed: row.secret_enc, secret });
    return secret;
  }

  async function sessionCredit(sessionId: string): Promise<number> {
    const r = (await db('vendo_coins').where({ session_id: sessionId }).sum({ s: 'amount' }).first()) as
      { s: number | null } | undefined;
    return Number(r?.s ?? 0);
  }

  return {
    async authenticate(req: BoardRequest): Promise<AuthedVendo> {
      if (!req.id || req.id.length > 32 || !req.timestamp || !req.signature)
        throw authError('X-Vendo-Id, X-Vendo-Timestamp and X-Vendo-Signature are required');
      if (!/^\d{1,12}$/.test(req.timestamp)) throw authError('X-Vendo-Timestamp must be Unix seconds');
      const skew = Math.abs((d.realClock ?? clock).now() / 1000 - Number(req.timestamp));
      if (skew > MAX_SKEW_SECONDS)
        throw authError(
          `X-Vendo-Timestamp is ${Math.round(skew)} s away from the controller's clock (at most ${MAX_SKEW_SECONDS} s)`,
        );
      const row = await d.rows.get(req.id, () => db('vendos').where({ id: req.id }).first());
      // The same answer for an unknown vendo and a wrong signature: nothing to learn by trying ids.
      if (
        !row ||
        !signatureMatches(secretOf(row), req.signature, req.timestamp, req.method, req.path, req.body)
      )
        throw authError('signature does not match');
      if (!row.enabled) throw new AppError('VENDO_DISABLED', 'This vendo is switched off in the admin', 403);
      const now = clock.now();
      if (now - (seenWritten.get(row.id) ?? 0) >= SEEN_WRITE_MS) {
        seenWritten.set(row.id, now);
        await db('vendos').where({ id: row.id }).update({ last_seen_at: now, last_ip: req.ip });
      }
      return { id: row.id, name: row.name, rates: ratesOf(row) };
    },

    async poll(vendo: AuthedVendo, waitMs = 0, signal?: AbortSignal): Promise<PollReply> {
      const read = async (): Promise<PollReply> => {
        const now = clock.now();
        await expireWindows(db, now, vendo.id);
        const s = (await db('vendo_sessions').where({ vendo_id: vendo.id, state: 'armed' }).first()) as
          SessionRow | undefined;
        if (!s) return { state: 'idle' };
        return {
          state: 'armed',
          session: s.id,
          expiresIn: Math.max(0, Math.ceil((Number(s.expires_at) - now) / 1000)),
          credit: await sessionCredit(s.id),
        };
      };
      const first = await read();
      if (first.state === 'armed' || waitMs <= 0 || signal?.aborted) return first;
      // Long poll: held until a customer starts a window on this vendo, the wait ends or the board hangs up.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          d.events.off(`armed:${vendo.id}`, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        d.events.on(`armed:${vendo.id}`, done);
        signal?.addEventListener('abort', done);
      });
      // A board that hung up reads no answer; at shutdown the database may already be closing under it.
      if (signal?.aborted) return first;
      return read();
    },

    async coin(vendo: AuthedVendo, body: unknown): Promise<CoinReply> {
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const seq = b.seq;
      if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ)
        throw ValidationError.invalid('seq', seq, 'a coin number', `use a whole number from 1 to ${MAX_SEQ}`);
      const answer = async (sessionId: string, duplicate: boolean, saved: boolean): Promise<CoinReply> => {
        const credit = await sessionCredit(sessionId);
        return { credit, seconds: bestPurchase(vendo.rates, credit).seconds, duplicate, saved };
      };
      const seen = async () =>
        (await db('vendo_coins').where({ vendo_id: vendo.id, seq }).first('session_id')) as
          { session_id: string } | undefined;
      const sessionId = typeof b.session === 'string' ? b.session.slice(0, 32) : '';
      const amount = parseCoinAmount(b.amount);
      const now = clock.now();
      // One statement, one commit: the coin is written only for a window of this vendo, the unique (vendo, seq)
      // key makes a repeat a no-op (nothing returned), and the coin restarts its window in the same statement
      // (trigger vendo_coin_restarts_window, migration 0011a).
      const inserted = rawRows<{ id: number }>(
        await db.raw(
          `INSERT INTO vendo_coins (vendo_id, seq, session_id, amount, mac, received_at)
         SELECT s.vendo_id, ?, s.id, ?, s.mac, ? FROM vendo_sessions s WHERE s.id = ? AND s.vendo_id = ?
         ON CONFLICT (vendo_id, seq) DO NOTHING RETURNING id`,
          [seq, amount, now, sessionId, vendo.id],
        ),
      );
      if (!inserted.length) {
        const before = await seen();
        if (before) return answer(before.session_id, true, false);
        throw new AppError(
          'UNKNOWN_SESSION',
          'No coin window with that session on this vendo; keep the coin and poll again',
          409,
          'session',
        );
      }
      // The window and the credit after this coin, in one read.
      const after = (await db('vendo_sessions as s')
        .where('s.id', sessionId)
        .first(
          's.state',
          's.expires_at',
          db.raw('(SELECT SUM(amount) FROM vendo_coins c WHERE c.session_id = s.id) AS credit'),
        )) as { state: string; expires_at: number; credit: number | null };
      const open = after.state === 'armed' && Number(after.expires_at) > now;
      if (!open)
        log.info(
          { module: 'vendo', vendo: vendo.id, seq, amount },
          `coin after its window closed on ${vendo.name}: kept as the device's saved credit`,
        );
      d.events.emit(`coin:${sessionId}`);
      const credit = Number(after.credit ?? 0);
      return { credit, seconds: bestPurchase(vendo.rates, credit).seconds, duplicate: false, saved: !open };
    },
  };
}
