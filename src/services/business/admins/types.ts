/**
 * The admin account's contract (index.ts): the owner's login.
 */
import type { Actor } from '../audit/actor';

export interface AdminAccountService {
  verify(username: string, password: string): Promise<boolean>;
  setPassword(username: string, password: string, actor: Actor): Promise<void>;
  /** At start: create from ADMIN_PASSWORD, or in demo mode generate one and return it (printed once). */
  ensureInitial(): Promise<{ generatedPassword?: string }>;
  /** Whether the account exists (default: ADMIN_USERNAME); the login page explains how to create it if not. */
  hasAccount(username?: string): Promise<boolean>;
}
