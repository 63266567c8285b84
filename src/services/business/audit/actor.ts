/**
 * Who did something, for the audit log: every audited change names its actor.
 */

/** Who did something, for the audit log. */
export interface Actor {
  name: string;
  via: 'admin' | 'api' | 'cli' | 'system' | 'portal';
  /**
   * A cashier's or a reseller's account, when one acts (absent: the owner, the terminal, the system). Batches
   * it makes are its own; a reseller's are bought at wholesale within its credit (src/domain/reseller.ts).
   */
  account?: ActingAccount;
}

export interface ActingAccount {
  id: number;
  role: 'cashier' | 'reseller';
  /** A reseller's profiles (names). */
  profiles: readonly string[];
  commissionBp: number;
  /** Centavos; null: none. */
  creditLimit: number | null;
}

export const SYSTEM: Actor = { name: 'system', via: 'system' };
