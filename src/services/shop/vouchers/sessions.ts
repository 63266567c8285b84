/**
 * A code's sessions: the devices online with it now, ended or given the code's new limits when self-service
 * (a pause, a move, a top-up) changes the code. Each site's mode chooses one (src/services/network/site-stack/parts.ts):
 * the router's hotspot over its API (src/services/network/hotspot-users/sessions.ts), or RFC 5176 CoA and Disconnect
 * requests to a RADIUS site's router (src/services/network/radius/sessions.ts). Self-service asks what it needs and never which kind they are.
 */
export interface Sessions {
  /** Whether the code's sessions can be reached now; false: a change that needs them is refused, nothing changed. */
  reachable(): boolean;
  /** The devices (MACs) online with the code now. */
  online(code: string): Promise<string[]>;
  /** Ends the code's sessions (only those of `macs`, when given); throws when one of them could not be ended. */
  end(code: string, macs?: readonly string[]): Promise<void>;
  /**
   * The code's sessions take the time and data its login has now (after a top-up; `remainingSeconds`: the code's
   * time left, null for none); false: some keep what they took until their next login.
   */
  renew(code: string, password: string, remainingSeconds: number | null): Promise<boolean>;
}
