import fs from 'node:fs';
import type { Core } from '../../src/core';
import type { SiteRouter } from '../lib/site-router';
import { AppError, ValidationError } from '../../src/domain/errors';
import { parseJsonText } from '../../src/domain/json-text';
import { parseCommand, usageError, optionSpec, YES_OPTION } from '../lib/args';

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

/** `passwordSet` → `password_set`; other keys (`BIND`, `ADMIN_ALLOW` in `config show`, `snake_case`) as they are. */
const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
/** Values printed as they are: a profile's `spec` is its profiles.json entry, spelled as the file spells it. */
const VERBATIM = new Set(['spec']);
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object' || value.constructor !== Object) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      CAMEL.test(k) ? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : k,
      VERBATIM.has(k) ? v : snakeKeys(v),
    ]),
  );
}

/** The services' money fields (whole centavos), wherever they sit in a command's answer. */
const MONEY = new Set(['price', 'amount', 'credit', 'difference', 'salesAmount', 'sales_amount']);

/**
 * Money as the HTTP API gives it: `price` in pesos (`5.5`) and `price_centavos` (`550`) beside it. Only whole
 * numbers under a money key are centavos; a profile's `spec` (pesos already, as profiles.json spells it) is
 * left as it is.
 */
function pesosBeside(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pesosBeside);
  if (value === null || typeof value !== 'object' || value.constructor !== Object) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (MONEY.has(k) && typeof v === 'number' && Number.isSafeInteger(v)) {
      out[k] = v / 100;
      out[`${k}_centavos`] = v;
    } else out[k] = VERBATIM.has(k) ? v : pesosBeside(v);
  }
  return out;
}

/**
 * Stable, pretty JSON for scripts (shapes documented in cli/README.md), in the HTTP API's words: where the API
 * answers the same thing, the command prints the API's own shaper's answer as it is (`api`: the services'
 * json.ts, one shaper for both faces); what only the terminal answers gets the API's conventions here: keys in
 * snake_case, and with `money` the services' centavos as the API gives money (pesos, `…_centavos` beside).
 */
let jsonPrinted = false;

/** Whether this run printed its JSON answer already (a command that prints its report, then fails). */
export function jsonWasPrinted(): boolean {
  return jsonPrinted;
}

export function printJson(value: unknown, opts: { money?: boolean; api?: boolean } = {}): void {
  jsonPrinted = true;
  const shown = opts.api ? value : snakeKeys(opts.money ? pesosBeside(value) : value);
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
}

/** A failed command's answer with --json: `{ "error": { "code", "message" } }` on stdout. */
export function printJsonError(code: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
}

/** Opens the core for one command and always closes it, even when the command fails. */
export async function withCore<T>(fn: (core: Core) => Promise<T>): Promise<T> {
  // Loaded here, not at the top: `pisonet --help` and a usage error read this module and need no core.
  const { openCliCore } = require('../lib/context') as typeof import('../lib/context');
  const core = await openCliCore();
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** withCore, on the router of the site `--site` names (its id or name; undefined: the .env router). */
export function withSiteCore<T>(
  site: string | undefined,
  fn: (s: SiteRouter, core: Core) => Promise<T>,
): Promise<T> {
  const { withSiteRouter } = require('../lib/site-router') as typeof import('../lib/site-router');
  return withCore((core) => withSiteRouter(core, site, (s) => fn(s, core)));
}

/** A whole number in a range, with the same wording as the domain parsers. */
export function parseWhole(value: string, field: string, what: string, min: number, max: number): number {
  const t = value.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw ValidationError.invalid(field, value, what, `use a whole number from ${min} to ${max}`);
  }
  return Number(t);
}

/** `--batch ID`: a batch's number. */
export const parseBatchId = (value: string) =>
  parseWhole(value, 'batch', 'a batch number', 1, Number.MAX_SAFE_INTEGER);

/**
 * `NAME [--yes] [--json]`: a change that asks first unless --yes; without a terminal to ask on,
 * --yes is required (`refusing to WHAT without confirmation`).
 */
export function parseConfirmable(args: string[], usage: string, what: string) {
  const parsed = parseCommand(args, { ...optionSpec([], ['json']), ...YES_OPTION }, usage, 1);
  if (!parsed.values.yes && !process.stdin.isTTY)
    throw usageError(`refusing to ${what} without confirmation: add --yes`, usage);
  return parsed;
}

/** Reads everything piped to stdin (for `echo pw | pisonet admin set-password`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `--site SITE` (an id or a name; `all` or absent: every site) → the site the services narrow to, read by the
 * same service as the admin's `?site=`. An unknown site is SITE_NOT_FOUND, as every other `--site` says it.
 */
export async function siteScope(
  core: Core,
  values: Record<string, unknown>,
): Promise<{ id: number; name: string } | undefined> {
  if (typeof values.site !== 'string') return undefined;
  try {
    return await core.services.sites.scope(values.site);
  } catch (err) {
    // The scope's refusal is worded for the API's `?site=`: the lookup says it as the terminal's other commands do.
    await core.services.sites.get(values.site);
    throw err;
  }
}

/** The id of the site `--site` names (siteScope); undefined: every site. */
export async function siteOption(core: Core, values: Record<string, unknown>): Promise<number | undefined> {
  return (await siteScope(core, values))?.id;
}

/** A service's "a typo? Check it, or confirm it." (each one, when it names several) said with --yes. */
export function yesConfirms(e: unknown): never {
  if (!(e instanceof AppError) || e.code !== 'CONFIRM_REQUIRED') throw e;
  throw new AppError(e.code, e.message.replace(/confirm it\./g, 'add --yes if it is right.'), e.status);
}

/** A JSON file the operator named (- for stdin); one that cannot be read is theirs to fix (exit 2). */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  if (file === '-') text = await readStdin();
  else {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message;
      throw new ValidationError('file', `cannot read ${file}: ${why}`);
    }
  }
  return parseJsonText(text, file === '-' ? 'stdin' : file);
}
