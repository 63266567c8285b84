/**
 * The router test's contract (index.ts): is the router there, and what is it.
 */
import type { RouterWarning } from '../router-checks/types';

export interface RouterInfo {
  connected: boolean;
  simulated: boolean;
  identity: string | null;
  version: string | null;
  boardName: string | null;
  uptime: string | null;
  cpuLoad: number | null;
  freeMemory: number | null;
  totalMemory: number | null;
  rttMs: number | null;
  error: string | null;
  /** The RouterErrorCode behind `error` (ROUTER_LOGIN_FAILED, ROUTER_TLS, ...), null when none. */
  errorCode: string | null;
  /** Router settings that break the controller (FastTrack), re-checked by each test. */
  warnings: RouterWarning[];
}

export interface RouterInfoService {
  /** Connects (if needed) and reads identity and resources; never throws: `error` says what failed. */
  test(): Promise<RouterInfo>;
}
