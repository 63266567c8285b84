/**
 * Coin vendos under load: 20 simulated vendos, each dropping a coin every 100 ms for a minute
 * (BENCH_VENDO_SECONDS shortens it), over the real signed HTTP protocol, with 10 % of the coin requests sent
 * twice (a reply the board never saw) and 10 % held back 0.2–2 s (so they arrive after later coins). Checked
 * at the end against the ledger and against what each board believes: zero coins lost, zero credited twice.
 * Reports the coin answer's p50/p95.
 */
import { createHarness } from '../test/helpers/harness';
import { SYSTEM } from '../src/services/types';
import { SimulatedVendo } from '../src/vendo-sim/board';
import { forkBenchChild } from './child';

const SECONDS = Number(process.env.BENCH_VENDO_SECONDS ?? 60);
const VENDOS = Number(process.env.BENCH_VENDOS ?? 20);
const EVERY_MS = 100;
const COINS = [1, 5, 10, 20];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export async function run(): Promise<void> {
  const h = await createHarness({ http: true, fakeClock: false });
  const { vendos } = h.core!.services;
  try {
    const boards: { id: string; secret: string; session: string }[] = [];
    for (let i = 0; i < VENDOS; i++) {
      const { vendo, secret } = await vendos.create(
        {
          name: `Bench ${i + 1}`,
          profile: 'BASIC',
          rates: [
            { amount: 1, validity: '10m' },
            { amount: 5, validity: '1h' },
          ],
          window_seconds: 600,
        },
        SYSTEM,
      );
      const board = new SimulatedVendo({ url: h.app!.url, id: vendo.id, secret });
      await board.poll();
      const mac = `02:BE:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`;
      h.sim.addDevice({ mac, ip: `10.5.60.${i + 10}` });
      const s = await vendos.start({ vendo: vendo.id, mac, ip: `10.5.60.${i + 10}` });
      await board.poll();
      boards.push({ id: vendo.id, secret, session: s.session });
    }

    // The boards run in their own process (they are other machines): only the controller's work is measured.
    const child = forkBenchChild(__filename, '--vendo-boards');
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const result = await new Promise<BoardsResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as BoardsResult));
      child.once('exit', (code) => reject(new Error(`the boards' process exited (${code})`)));
      child.send({
        url: h.app!.url,
        seconds: SECONDS,
        boards: boards.map(({ id, secret, session }) => ({ id, secret, session })),
      });
    });
    child.kill();
    const cpu = process.cpuUsage(cpu0);
    const wall = (Date.now() - t0) / 1000;
    const { times, requests, duplicated, delayed, failures, retries, errors } = result;
    const sent = result.sent.map((list) => new Map(list));
    const believed = result.believed.map((list) => new Map(list));

    let lost = 0;
    let doubled = 0;
    let coins = 0;
    let pesos = 0;
    for (const [k, b] of boards.entries()) {
      const rows = (await h.core!.db('vendo_coins').where({ vendo_id: b.id }).select('seq', 'amount')) as {
        seq: number;
        amount: number;
      }[];
      const bySeq = new Map<number, number>();
      for (const r of rows) {
        if (bySeq.has(r.seq)) doubled++;
        bySeq.set(r.seq, Number(r.amount));
      }
      for (const [seq, amount] of sent[k]) {
        if (bySeq.get(seq) !== amount * 100) lost++;
        if (believed[k].get(seq) !== amount) lost++;
      }
      doubled += Math.max(0, rows.length - sent[k].size);
      const credit = (await h
        .core!.db('vendo_coins')
        .where({ session_id: b.session })
        .sum({ s: 'amount' })
        .first()) as {
        s: number;
      };
      const boardSum = [...believed[k].values()].reduce((a, x) => a + x, 0);
      if (Number(credit.s) !== boardSum * 100) doubled++;
      coins += rows.length;
      pesos += boardSum;
    }
    times.sort((a, b) => a - b);
    console.log(
      `vendos: ${VENDOS} boards × a coin every ${EVERY_MS} ms for ${SECONDS} s over signed HTTP (10 % sent twice, 10 % held back 0.2–2 s):`,
    );
    console.log(
      `  ${coins} coins (₱${pesos.toLocaleString('en-US')}), ${requests} coin requests (${duplicated} duplicated, ${delayed} delayed), ${(requests / wall).toFixed(0)} requests/s over ${wall.toFixed(1)} s`,
    );
    console.log(
      `  coin answer: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; controller CPU ${((cpu.user + cpu.system) / 1000 / requests).toFixed(2)} ms per request (boards in another process)`,
    );
    console.log(
      `  lost: ${lost}, credited twice: ${doubled}, failed requests: ${failures}, network retries: ${retries} (checked against the ledger and the boards' own record)`,
    );
    if (errors.length) console.log(`  first error: ${errors[0]}`);
    if (lost || doubled || failures) process.exitCode = 1;
  } finally {
    await h.close();
  }
}

interface BoardsResult {
  times: number[];
  requests: number;
  duplicated: number;
  delayed: number;
  failures: number;
  retries: number;
  errors: string[];
  sent: [number, number][][];
  believed: [number, number][][];
}

/** The boards' process: every board drops a coin every 100 ms, over signed HTTP, with duplicates and delays. */
function serveBoards(): void {
  process.once(
    'message',
    (m: { url: string; seconds: number; boards: { id: string; secret: string; session: string }[] }) => {
      void (async () => {
        const boards = m.boards.map((b) => ({
          ...b,
          board: new SimulatedVendo({ url: m.url, id: b.id, secret: b.secret }),
        }));
        const SECONDS = m.seconds;
        const times: number[] = [];
        let requests = 0;
        let duplicated = 0;
        let delayed = 0;
        let failures = 0;
        let retries = 0;
        const pending: Promise<void>[] = [];
        /** What each board believes the controller has: pesos per seq, from 200 replies. */
        const believed = boards.map(() => new Map<number, number>());
        const sent = boards.map(() => new Map<number, number>());
        const send = async (b: (typeof boards)[number], k: number, seq: number, amount: number) => {
          const body = b.board.coinBody(seq, amount, b.session);
          const once = async () => {
            const t0 = process.hrtime.bigint();
            requests++;
            // A reply lost on the network (a socket error here) is what boards retry: the same bytes again.
            let r;
            for (let attempt = 1; ; attempt++) {
              try {
                r = await b.board.send('POST', '/api/vendo/v1/coin', body);
                break;
              } catch (err) {
                if (attempt === 5) throw err;
                retries++;
                await sleep(200 * attempt);
              }
            }
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (r.status !== 200) {
              failures++;
              throw new Error(`coin ${b.id}#${seq}: ${r.status} ${JSON.stringify(r.json)}`);
            }
            believed[k].set(seq, amount);
          };
          const roll = Math.random();
          if (roll < 0.1) {
            delayed++;
            await sleep(200 + Math.random() * 1800);
            await once();
          } else if (roll < 0.2) {
            duplicated++;
            await once();
            await once(); // the first reply was "lost": the board sends the same bytes again
          } else await once();
        };

        const t0 = Date.now();
        await Promise.all(
          boards.map(async (b, k) => {
            const start = Date.now();
            for (let n = 0; Date.now() - t0 < SECONDS * 1000; n++) {
              const seq = n + 1;
              const amount = COINS[Math.floor(Math.random() * COINS.length)];
              sent[k].set(seq, amount);
              pending.push(send(b, k, seq, amount));
              const next = start + (n + 1) * EVERY_MS;
              await sleep(Math.max(0, next - Date.now()));
            }
          }),
        );
        const settled = await Promise.allSettled(pending);
        const errors = settled.filter((s) => s.status === 'rejected');

        const out: BoardsResult = {
          times,
          requests,
          duplicated,
          delayed,
          failures,
          retries,
          errors: errors.slice(0, 3).map((e) => String((e as PromiseRejectedResult).reason)),
          sent: sent.map((x) => [...x]),
          believed: believed.map((x) => [...x]),
        };
        process.send!(out);
      })();
    },
  );
}

if (process.argv[2] === '--vendo-boards') serveBoards();
