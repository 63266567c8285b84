/**
 * Waits for a state, never for a fixed time: `cond` is asked every `everyMs` until it holds, and after `ms` the
 * wait fails (a bound on a test that would otherwise hang, not a pause a passing test pays).
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
  everyMs = 20,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
