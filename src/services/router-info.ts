import type { RouterClient } from '../router/types';
import type { RouterInfo, RouterInfoService } from './types';

const num = (v: string | undefined) =>
  v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v);

/** "Test router connection": identity, version, uptime and one round-trip time. Never throws. */
export function createRouterInfoService(router: RouterClient, simulated: boolean): RouterInfoService {
  return {
    async test(): Promise<RouterInfo> {
      const base: RouterInfo = {
        connected: router.status.connected,
        simulated,
        identity: null,
        version: null,
        boardName: null,
        uptime: null,
        cpuLoad: null,
        freeMemory: null,
        totalMemory: null,
        rttMs: null,
        error: null,
      };
      try {
        if (!router.status.connected) await router.waitConnected(3000);
        // A measurement, not business time: a monotonic timer, never the (possibly fake) clock.
        const t0 = performance.now();
        const [id] = await router.command('/system/identity/print');
        base.rttMs = Math.round(performance.now() - t0);
        const [res] = await router.command('/system/resource/print');
        return {
          ...base,
          connected: true,
          identity: id?.name ?? null,
          version: res?.version ?? null,
          boardName: res?.['board-name'] ?? null,
          uptime: res?.uptime ?? null,
          cpuLoad: num(res?.['cpu-load']),
          freeMemory: num(res?.['free-memory']),
          totalMemory: num(res?.['total-memory']),
        };
      } catch (err) {
        return { ...base, connected: router.status.connected, error: (err as Error).message };
      }
    },
  };
}
