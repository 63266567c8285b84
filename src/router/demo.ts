import fs from 'node:fs';
import path from 'node:path';
import { RouterSimulator } from '../simulator';
import type { Logger } from '../lib/logger';

/**
 * The demo router's hotspot DNS name, typed at its hotspot setup as a shop's owner would: the hotspot answers it
 * for the phones on its WiFi, so the demo's printed cards open `http://pisonet.wifi/login?code=…` like a shop's
 * (docs/router-setup.md, step 8). `.wifi` is no real top-level domain, so the name leads nowhere off the hotspot.
 */
export const DEMO_HOTSPOT_DNS_NAME = 'pisonet.wifi';

/**
 * Demo mode: the simulated router lives on a fixed loopback port and keeps its configuration in the
 * data folder, so the server and the terminal menu (separate processes) talk to the same router and it
 * survives restarts like a real one. Whichever process starts first hosts it; the other connects.
 * If the host process exits, the other takes over hosting on its next attempt (see `ensureHosted`).
 */
export class DemoRouterHost {
  private sim?: RouterSimulator;

  constructor(
    private readonly opts: {
      port: number;
      dataDir: string;
      log: Logger;
      demoTraffic: boolean;
      demoDevices: number;
      /** The shop's time zone: the demo router's clock is set to it, as a shop's router is (its log's times). */
      timeZone?: string;
    },
  ) {}

  /**
   * This process started the demo router again from its kept state (not a first start): its hotspot sessions
   * did not survive, so every demo customer was logged out. A real router keeps its customers online when the
   * controller restarts; the server says so (core.ts).
   */
  restarted = false;

  get hosting(): boolean {
    return this.sim !== undefined;
  }

  get simulator(): RouterSimulator | undefined {
    return this.sim;
  }

  /** Tries to host the demo router; returns false when another process already does (port in use). */
  async ensureHosted(): Promise<boolean> {
    if (this.sim) return true;
    const stateFile = path.join(this.opts.dataDir, 'simulator.json');
    const kept = fs.existsSync(stateFile);
    const sim = new RouterSimulator({
      host: '127.0.0.1',
      port: this.opts.port,
      identity: 'PisoNet-Demo',
      // A CHR ("CHR QEMU …" in /system/resource) with no FastTrack rule, like a fresh CHR with the hotspot
      // set up. Its licence id is kept in the state file, so the demo stays the same router across restarts.
      board: 'chr',
      // Only a new demo router is set up with it; one kept in the data folder stays as it was.
      hotspotDnsName: DEMO_HOTSPOT_DNS_NAME,
      timeZone: this.opts.timeZone,
      stateFile,
      logger: {
        info: () => undefined,
        warn: (...a: unknown[]) => this.opts.log.warn({ sim: a }, 'simulator'),
      },
    });
    try {
      await sim.start();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
      throw err;
    }
    this.sim = sim;
    this.restarted = kept;
    seedDemoDevices(sim, this.opts.demoDevices);
    if (this.opts.demoTraffic) sim.startDemoTraffic();
    this.opts.log.info(
      { port: this.opts.port },
      `DEMO MODE: simulated RouterOS router listening on 127.0.0.1:${this.opts.port} (no ROUTER_HOST set)`,
    );
    return true;
  }

  async stop(): Promise<void> {
    const sim = this.sim;
    this.sim = undefined;
    if (!sim) return;
    sim.stopDemoTraffic();
    await sim.stop();
  }
}

/** The names phones give the DHCP server (the leases' host names); every few has none, as some phones do. */
const DEMO_HOST_NAMES = ['Galaxy-A12', 'OPPO-A5s', undefined, 'Redmi-Note-9', 'vivo-Y12', 'realme-C11'];

/** Phones on the shop's hotspot network, so the portal can be tried at once (10.5.50.11, 02:50:00:00:00:01, ...). */
function seedDemoDevices(sim: RouterSimulator, count: number): void {
  const existing = new Set(sim.rows('/ip/hotspot/host').map((h) => h['mac-address']));
  for (let i = 1; i <= count; i++) {
    const mac = `02:50:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`;
    const hostName = DEMO_HOST_NAMES[(i - 1) % DEMO_HOST_NAMES.length];
    if (!existing.has(mac)) sim.addDevice({ mac, ip: `10.5.50.${10 + i}`, hostName });
  }
}
