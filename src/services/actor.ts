/**
 * Who did something, for the audit log: every audited change names its actor.
 */

/** Who did something, for the audit log. */
export interface Actor {
  name: string;
  via: 'admin' | 'api' | 'cli' | 'system' | 'portal';
}

export const SYSTEM: Actor = { name: 'system', via: 'system' };
