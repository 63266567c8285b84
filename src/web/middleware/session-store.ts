import session from 'express-session';
import type { Db } from '../../db/knex';
import type { Clock } from '../../lib/clock';

type Sess = session.SessionData;
type Cb = (err?: unknown, data?: Sess | null) => void;

/**
 * express-session store in the SQLite database (sessions table), so logins survive restarts and
 * expire server-side. Expired rows are swept by `sweep()` (called from a periodic job).
 */
export class KnexSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly defaultTtlMs = 12 * 3600 * 1000,
  ) {
    super();
  }

  private expiry(sess: Sess): number {
    const exp = sess.cookie?.expires;
    return exp ? new Date(exp).getTime() : this.clock.now() + this.defaultTtlMs;
  }

  override get(sid: string, cb: Cb): void {
    this.db('sessions')
      .where({ sid })
      .first()
      .then((row) => {
        if (!row || Number(row.expires_at) <= this.clock.now()) return cb(null, null);
        cb(null, JSON.parse(row.sess) as Sess);
      })
      .catch((err) => cb(err));
  }

  override set(sid: string, sess: Sess, cb?: (err?: unknown) => void): void {
    const row = { sid, sess: JSON.stringify(sess), expires_at: this.expiry(sess) };
    this.db('sessions')
      .insert(row)
      .onConflict('sid')
      .merge(['sess', 'expires_at'])
      .then(() => cb?.())
      .catch((err) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .where({ sid })
      .del()
      .then(() => cb?.())
      .catch((err) => cb?.(err));
  }

  override touch(sid: string, sess: Sess, cb?: () => void): void {
    this.db('sessions')
      .where({ sid })
      .update({ expires_at: this.expiry(sess) })
      .then(() => cb?.())
      .catch(() => cb?.());
  }

  async sweep(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', this.clock.now()).del();
  }
}
