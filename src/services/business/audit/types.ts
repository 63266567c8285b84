/**
 * The audit log's contract (index.ts): who changed what, and when.
 */
import type { Actor } from './actor';

export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditService {
  record(
    actor: Actor,
    action: string,
    target: string | null,
    details?: Record<string, unknown>,
  ): Promise<void>;
  list(opts?: {
    limit?: number;
    offset?: number;
    action?: string;
    /** What the entry is about (an account number, a voucher code), exactly. */
    target?: string;
  }): Promise<{ total: number; entries: AuditEntry[] }>;
}
