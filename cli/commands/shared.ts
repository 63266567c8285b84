import type { Core } from '../../src/core';
import { ValidationError } from '../../src/domain/errors';
import { openCliCore } from '../lib/context';

export interface CommandDef {
  /** e.g. `vouchers generate` */
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Stable, pretty JSON for scripts (shapes documented in cli/README.md). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Opens the core for one command and always closes it, even when the command fails. */
export async function withCore<T>(fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await openCliCore();
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** A whole number in a range, with the same wording as the domain parsers. */
export function parseWhole(value: string, field: string, what: string, min: number, max: number): number {
  const t = value.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw ValidationError.invalid(field, value, what, `use a whole number from ${min} to ${max}`);
  }
  return Number(t);
}

/** Reads everything piped to stdin (for `echo pw | pisonet admin set-password`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `--site SITE` (an id or a name; `all` or absent: every site) → the site id the services narrow to, read by
 * the same service as the admin's `?site=`: an unknown site is bad input (exit 2).
 */
export async function siteOption(core: Core, values: Record<string, unknown>): Promise<number | undefined> {
  return typeof values.site === 'string' ? (await core.services.sites.scope(values.site))?.id : undefined;
}
