/**
 * The demo router set up as a shop's owner is told to set up theirs (`pisonet router setup --apply`, README): the
 * walled garden, the login page, the api service held to the controller, the suspended subscribers' redirect. Once
 * in the demo database's life, through the same setup service as the terminal and the Setup page (audited), so
 * `pisonet doctor` on a fresh demo finds the router as the product needs it, and an item the owner breaks or
 * removes afterwards is reported as on any router, not put back. `pisonet router demo-reset` counts as that once:
 * the reset router is the owner's to set up.
 */
import type { Core } from '../core';
import type { Logger } from '../lib/logger';
import { DEFAULT_SITE } from '../services/deps';
import { SYSTEM } from '../services/types';
import type { Actor } from '../services/business/audit/actor';

const SET_UP = 'demo.router_set_up';

export interface DemoRouterSetup {
  /** Resolves when the set-up has run (its failures are logged, not thrown). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

async function setUpOnce(core: Core, log: Logger, stopped: () => boolean): Promise<void> {
  const { settings, routerSetup } = core.services;
  if (await settings.get<boolean>(SET_UP, false)) return;
  if (!(await core.router.waitConnected(30_000)) || stopped()) return;
  const result = await routerSetup.service.apply(core.router, await routerSetup.wantsFor(DEFAULT_SITE.id), {
    actor: SYSTEM,
    site: DEFAULT_SITE.name,
  });
  // The connect's FastTrack check ran before this: its warning goes now, not at the next poll.
  await core.services.routerChecks.check();
  if (!result.ok) {
    const left = result.items.filter((i) => i.state !== 'ok').map((i) => i.id);
    log.warn(
      { left, failed: result.failed },
      'the demo router was not fully set up; the next start tries again',
    );
    return;
  }
  await settings.set(SET_UP, true, SYSTEM);
  if (result.changes.length)
    log.info(
      `DEMO MODE: set up the demo router as \`pisonet router setup --apply\` would (${result.changes.length} changes)`,
    );
}

/**
 * `pisonet router demo-reset`: the demo router is left as reset for the owner to set up (`router setup`); the
 * server does not set it up at its next start, even on a database that never did.
 */
export async function leaveDemoRouterToOwner(core: Core, actor: Actor): Promise<void> {
  await core.services.settings.set(SET_UP, true, actor);
}

/** Runs after the web app is listening: the login page is fetched from it. */
export function startDemoRouterSetup(core: Core, log: Logger): DemoRouterSetup {
  let stopped = false;
  const ready = setUpOnce(core, log, () => stopped).catch((err: Error) =>
    log.warn({ err: err.message }, 'the demo router was not set up; the next start tries again'),
  );
  return {
    ready,
    async stop() {
      stopped = true;
      await ready;
    },
  };
}
