/**
 * The demo's vendo: with the simulated router (no ROUTER_HOST), the server registers a "Demo vendo" once and
 * runs a simulated board in its own process, so a newcomer can drop virtual coins from the demo portal. The
 * board keeps its secret in the data folder (readable by its owner only), as a real board keeps it in flash, so
 * a restart neither rotates it nor adds a line to the audit log; the secret is made again only when that file
 * is gone. Its coins travel the real signed protocol over HTTP like any board's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '../core';
import type { Logger } from '../lib/logger';
import { SYSTEM } from '../services/types';
import { SimulatedVendo } from './board';

const DEMO_VENDO_NAME = 'Demo vendo';
const DEMO_RATES = [
  { amount: 1, validity: '10m' },
  { amount: 5, validity: '1h' },
  { amount: 10, validity: '3h' },
  { amount: 20, validity: '8h' },
];

export interface DemoVendo {
  vendoId: string;
  insert(amount: number): Promise<void>;
  stop(): void;
}

export async function startDemoVendo(core: Core, url: string, log: Logger): Promise<DemoVendo | undefined> {
  const { vendos, profiles } = core.services;
  let vendo = (await vendos.list()).find((v) => v.name === DEMO_VENDO_NAME);
  let secret: string | undefined;
  if (!vendo) {
    // A shared profile: the demo vendo is shared (it sells on every site).
    const profile = (await profiles.list({ siteId: null })).find((p) => p.profile.validitySeconds !== null);
    if (!profile) return undefined;
    const made = await vendos.create(
      {
        name: DEMO_VENDO_NAME,
        location: 'next to the demo router',
        profile: profile.name,
        rates: DEMO_RATES,
      },
      SYSTEM,
    );
    vendo = made.vendo;
    secret = made.secret;
    log.info(
      { vendo: vendo.id },
      `DEMO MODE: registered "${DEMO_VENDO_NAME}" (${vendo.id}) with a simulated coin board`,
    );
  }
  const secretFile = path.join(core.config.dataDir, `vendo-sim-${vendo.id}.secret`);
  secret ??= readSecret(secretFile) ?? (await vendos.rotateSecret(vendo.id, SYSTEM)).secret;
  fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const board = new SimulatedVendo({
    url,
    id: vendo.id,
    secret,
    stateFile: path.join(core.config.dataDir, `vendo-sim-${vendo.id}.json`),
  });
  void board.run((line) => log.debug({ vendo: vendo!.id }, `demo vendo: ${line}`));
  return {
    vendoId: vendo.id,
    async insert(amount) {
      await board.poll();
      const r = await board.insertCoin(amount);
      if (r.status !== 200) throw new Error(String(r.json.error ?? `HTTP ${r.status}`));
    },
    stop: () => board.stop(),
  };
}

function readSecret(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
