/**
 * `npm run vendo-sim -- --url http://127.0.0.1:5000 --id vendo-ab12cd --secret …`: a simulated coin board on
 * its own. It polls like a real one; while a customer's window is open, type a coin (1, 5, 10, 20) and Enter.
 * `--coins 1,5` drops those coins into the first window that opens, then keeps polling.
 */
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { SimulatedVendo } from './board';

const USAGE = `Usage: npm run vendo-sim -- --url URL --id VENDO_ID --secret SECRET [--state FILE] [--coins 1,5,10]

A simulated coin vendo speaking docs/vendo-protocol.md to the controller at URL.
  --state FILE   where the coin counter (seq) is kept across runs (default: ./data/vendo-sim-<id>.json)
  --coins LIST   coins to drop into the first window that opens
While running, type a coin amount and Enter to drop it into the open window.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      id: { type: 'string' },
      secret: { type: 'string' },
      state: { type: 'string' },
      coins: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.url || !values.id || !values.secret) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const say = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const board = new SimulatedVendo({
    url: values.url.replace(/\/$/, ''),
    id: values.id,
    secret: values.secret,
    stateFile: values.state ?? path.resolve('data', `vendo-sim-${values.id}.json`),
  });
  let queued = (values.coins ?? '').split(',').filter(Boolean).map(Number);
  const drop = async (amount: number) => {
    if (!board.session)
      return say('no window is open: the coin falls back out (a customer taps "Insert coin" first)');
    const r = await board.insertCoin(amount);
    say(
      r.status === 200
        ? `coin ₱${amount} (seq ${board.seq}): credit ₱${String(r.json.credit)}, ${String(r.json.validity)}${r.json.duplicate ? ' (already had it)' : ''}`
        : `coin ₱${amount} refused: ${r.status} ${String(r.json.error)}`,
    );
  };
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const text = line.trim().replace(/^₱/, '');
    if (text === '') return;
    const amount = Number(text);
    if (Number.isInteger(amount) && amount > 0)
      void drop(amount).catch((e: Error) => say(`error: ${e.message}`));
    else say(`"${line.trim()}" is no coin: type a whole peso amount (1, 5, 10 or 20) and press Enter`);
  });
  process.on('SIGINT', () => {
    board.stop();
    rl.close();
  });
  say(`vendo ${values.id} → ${values.url}; seq starts after ${board.seq}`);
  say(
    'To insert a coin: a customer taps "Insert coin" on the portal first; then type the coin (1, 5, 10 or 20) here and press Enter. Ctrl-C stops the board.',
  );
  await board.run((line) => {
    say(line);
    if (line.startsWith('armed')) say('the coin slot is open: type a coin (1, 5, 10 or 20) and press Enter');
    if (line.startsWith('armed') && queued.length) {
      const coins = queued;
      queued = [];
      void (async () => {
        for (const c of coins) await drop(c);
      })().catch((e: Error) => say(`error: ${e.message}`));
    }
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
