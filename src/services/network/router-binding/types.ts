/**
 * The router binding's contract (index.ts): which router this database manages, and safe mode.
 */
import type { Actor } from '../../business/audit/actor';

export type BindingMode = 'unknown' | 'bound' | 'safe';

export interface BindingState {
  /** unknown until the first check after a connect. */
  mode: BindingMode;
  /** Why safe mode: ROUTER_MISMATCH (another router) or ROUTER_HAS_DATA (empty database, router in use). */
  reason?: { code: 'ROUTER_MISMATCH' | 'ROUTER_HAS_DATA'; message: string };
  routerId?: string;
  identity?: string;
  boundId?: string;
  boundIdentity?: string;
}

export interface RouterBinding {
  /** Reads the router's id and decides. Run at every (re)connect, before anything is written. */
  check(): Promise<BindingState>;
  state(): BindingState;
  /** False in safe mode (and until the first check): the owner module then refuses to write. */
  writable(): boolean;
  /**
   * Whether writes may go ahead now: checks first when this connection has not been checked yet (one round
   * trip, shared by everyone waiting). With no connection it says yes and lets the write fail as unreachable.
   */
  ready(): Promise<boolean>;
  /** Binds the database to the router it is connected to now; normal work starts at the next poll. Audited. */
  adopt(actor: Actor): Promise<BindingState>;
}
