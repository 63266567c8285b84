/**
 * The round-trip cost of one `/queue/simple/print` (with the poll's .proplist) of 1,000 and 10,000
 * queues through our client against the simulator, in ms and bytes.
 */
import { createLogger } from '../src/lib/logger';
import { RouterSimulator } from '../src/simulator';
import { benchRouterClient } from './fleet';

const PROPLIST = ['.id', 'name', 'target', 'max-limit', 'bytes', 'rate', 'disabled', 'dynamic', 'comment'];

export async function run(): Promise<void> {
  const rows: string[] = [];
  for (const n of [1000, 10000]) {
    const sim = new RouterSimulator({ port: 0 });
    const { port } = await sim.start();
    const client = benchRouterClient(port, createLogger('silent'));
    await client.start();
    await client.waitConnected(5000);
    const tAdd = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const mac = (0x020000000000 + i).toString(16).padStart(12, '0').toUpperCase().match(/../g)!.join(':');
        return client.add('/queue/simple', {
          name: `pisonet-${mac}`,
          target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          'max-limit': '512K/1M',
          comment: `CODE${i}`,
        });
      }),
    );
    const addMs = Number(process.hrtime.bigint() - tAdd) / 1e6;
    const times: number[] = [];
    let bytes = 0;
    for (let k = 0; k < 5; k++) {
      const before = sim.stats.bytesOut;
      const t0 = process.hrtime.bigint();
      const res = await client.print('/queue/simple', { proplist: PROPLIST });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      bytes = sim.stats.bytesOut - before;
      if (res.length !== n) throw new Error(`expected ${n} rows, got ${res.length}`);
    }
    times.sort((a, b) => a - b);
    rows.push(
      `${String(n).padStart(6)} queues | print median ${times[2].toFixed(1).padStart(7)} ms (min ${times[0].toFixed(1)}) | ${(bytes / 1024).toFixed(0).padStart(6)} KiB on the wire (${(bytes / n).toFixed(0)} B/queue) | ${n} pipelined adds ${addMs.toFixed(0)} ms`,
    );
    await client.stop();
    await sim.stop();
  }
  console.log('queue/simple/print through the client (simulator in-process, loopback, 5 runs):');
  for (const r of rows) console.log(`  ${r}`);
}
