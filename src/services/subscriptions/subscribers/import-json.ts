/**
 * A customer import's report as the admin API and the terminal's `--json` answer it (snake_case). A password
 * made for a row that gave none is in the owner's answer, as a single add's is, and on the subscriber's page.
 */
import type { ImportProblem, ImportReport } from './types';

export const MADE_PASSWORDS_NOTE =
  "Rows without a password got one made (16 letters and digits): it is in this answer and on each subscriber's page (pisonet subscribers show USERNAME).";

export function importJson(r: ImportReport, opts: { withPassword: boolean }) {
  const made = r.rows.some((x) => x.madePassword !== undefined);
  return {
    dry_run: r.dryRun,
    site: r.site.name,
    site_id: r.site.id,
    created: r.created,
    exists: r.exists,
    // A dry run: how many would be added.
    ok: r.rows.filter((x) => x.outcome === 'ok').length,
    rows: r.rows.map((x) => ({
      row: x.row,
      username: x.username,
      outcome: x.outcome,
      plan: x.plan,
      ...(x.openingBalance !== undefined
        ? { opening_balance: x.openingBalance / 100, opening_balance_centavos: x.openingBalance }
        : {}),
      ...(x.question !== undefined ? { question: x.question } : {}),
      ...(x.id !== undefined ? { id: x.id, account_no: x.accountNo } : {}),
      ...(x.madePassword !== undefined
        ? { password_made: true, ...(opts.withPassword ? { password: x.madePassword } : {}) }
        : {}),
    })),
    ...(made ? { passwords: MADE_PASSWORDS_NOTE } : {}),
  };
}

/** The problems as the API's error: a message, each as `fields["row 3: plan"]`, and the list itself. */
export function importProblemsJson(problems: readonly ImportProblem[]) {
  const rows = new Set(problems.map((p) => p.row)).size;
  const fields: Record<string, string> = {};
  for (const p of problems) fields[`row ${p.row}: ${p.field}`] = p.message;
  return {
    success: false as const,
    code: 'INVALID_INPUT' as const,
    error: `${problems.length} problem${problems.length === 1 ? '' : 's'} on ${rows} row${rows === 1 ? '' : 's'}; nothing was imported:\n${problems
      .map((p) => `  - row ${p.row}, ${p.field}: ${p.message}`)
      .join('\n')}`,
    fields,
    problems,
  };
}
