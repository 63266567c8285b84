import { readIdentity, readResource } from '../../../router/system';
import type { RouterClient, RouterStatus } from '../../../router/types';
import { safeModeWarnings, type RouterBinding } from '../router-binding';
import type { RouterChecksService } from '../router-checks';
import type { RouterInfo, RouterInfoService } from '../../types';

const num = (v: string | undefined) =>
  v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v);

interface RouterInfoOptions {
  /** Re-run on every test, so "Test router connection" also shows a problem fixed (or made) just now. */
  checks?: RouterChecksService;
  /** How long a connection attempt may take (ROUTER_TIMEOUT_SECONDS): the first one is waited for. */
  connectTimeoutMs?: number;
  /** Which router this database manages: a test also says when the controller is in safe mode. */
  binding?: RouterBinding;
}

/** While the router is known to be down, how long a test waits for it to come back before reporting. */
const KNOWN_DOWN_WAIT_MS = 3000;

/**
 * Until connected or the attempt in progress has failed: a fresh process (the CLI) must report why the
 * first attempt failed, not "not connected yet". Bounded by the connect timeout plus a little.
 */
function settle(router: RouterClient, timeoutMs: number): Promise<void> {
  const s = router.status;
  if (s.connected) return Promise.resolve();
  if (s.lastErrorCode !== undefined) return router.waitConnected(KNOWN_DOWN_WAIT_MS).then(() => undefined);
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = router.onStatus((st: RouterStatus) => {
      if (st.connected || st.lastErrorCode !== undefined) done();
    });
  });
}

/**
 * "Test router connection": identity, version, uptime and one round-trip time, plus the router checks.
 * Never throws. When the connection is down, `error`/`errorCode` are the connection's own (wrong password,
 * TLS, refused, timeout), worded with what to check; the same text /healthz and the log give.
 */
export function createRouterInfoService(
  router: RouterClient,
  simulated: boolean,
  opts: RouterInfoOptions = {},
): RouterInfoService {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
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
        errorCode: null,
        warnings: opts.checks?.warnings() ?? [],
      };
      await settle(router, connectTimeoutMs + 1000);
      const status = router.status;
      if (!status.connected) {
        return {
          ...base,
          connected: false,
          error: status.lastError ?? 'Not connected to the router yet (still trying)',
          errorCode: status.lastErrorCode ?? 'ROUTER_UNREACHABLE',
        };
      }
      try {
        // A measurement, not business time: a monotonic timer, never the (possibly fake) clock.
        const t0 = performance.now();
        const id = await readIdentity(router);
        base.rttMs = Math.round(performance.now() - t0);
        const res = await readResource(router);
        // A copy: the checks' own list must not gain the safe-mode line (the banner adds it itself).
        const warnings = [...(opts.checks ? await opts.checks.check() : [])];
        if (opts.binding) {
          await opts.binding.check();
          warnings.unshift(...safeModeWarnings(opts.binding));
        }
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
          warnings,
        };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return {
          ...base,
          connected: router.status.connected,
          error: (err as Error).message,
          errorCode: typeof code === 'string' ? code : null,
        };
      }
    },
  };
}
