/**
 * The router checks' contract (index.ts): router settings that break the controller.
 */

/** Something on the router that silently breaks what the controller does, with the command that fixes it. */
export interface RouterWarning {
  code: 'FASTTRACK' | 'SAFE_MODE' | 'PLAN_QUEUE_TAKEN';
  message: string;
  /** What removes the cause: a RouterOS terminal command, or (SAFE_MODE) the adopt action. */
  fix: string;
}

export interface RouterChecksService {
  /** The warnings from the last completed check (empty before the first one). */
  warnings(): RouterWarning[];
  /**
   * Reads the router now and keeps the result. While the router cannot be read the previous list is kept
   * (a warning does not vanish because the router is away) and returned.
   */
  check(): Promise<RouterWarning[]>;
}
