/**
 * The router checks' contract (index.ts): router settings that break the controller.
 */
import type { SetupReport } from '../router-setup';

/** Something on the router that silently breaks what the controller does, with the command that fixes it. */
export interface RouterWarning {
  code: 'FASTTRACK' | 'SAFE_MODE' | 'PLAN_QUEUE_TAKEN' | 'SETUP_INCOMPLETE';
  message: string;
  /** What removes the cause: a RouterOS terminal command, a `pisonet` command, or (SAFE_MODE) the adopt action. */
  fix: string;
}

export interface RouterChecksOptions {
  /** Reads the router's whole setup (router-setup's check, with the site's wants); absent: never read. */
  setup?: () => Promise<SetupReport>;
  /** The clock's time (the setup's re-read while its warning is up is spaced by SETUP_RECHECK_MS). */
  now?: () => number;
}

export interface RouterChecksService {
  /** The warnings from the last completed checks (empty before the first one). */
  warnings(): RouterWarning[];
  /**
   * Reads the router now and keeps the result: FastTrack, and the setup too while SETUP_INCOMPLETE is up. While
   * the router cannot be read the previous list is kept (a warning does not vanish because the router is away)
   * and returned.
   */
  check(): Promise<RouterWarning[]>;
  /** Reads the router's whole setup now (it restarted, so it may have lost part of it): SETUP_INCOMPLETE. */
  checkSetup(): Promise<RouterWarning[]>;
  /**
   * After a poll: a warning that is up is read again, so a fix made anywhere (the terminal, the router itself)
   * clears it: FastTrack's one print at each poll, the setup at most every SETUP_RECHECK_MS. Nothing is read
   * while no warning is up.
   */
  afterPoll(): Promise<void>;
}
