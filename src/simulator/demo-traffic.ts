/**
 * Made-up traffic for the demo router (`npm run simulator`): every interval the hotspot's devices and the PPPoE
 * clients move some bytes, and the rates of those that moved nothing fall back.
 */
import type { PppSessions } from './ppp/sessions';
import type { Traffic } from './traffic';

export class DemoTraffic {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly traffic: Traffic,
    private readonly ppp: PppSessions,
  ) {}

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.traffic.demoStep(intervalMs / 1000);
      this.ppp.demoStep(intervalMs / 1000);
      this.traffic.decayRates(intervalMs / 1000);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
