import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRouterClient } from '../../src/router';
import { createLogger } from '../../src/lib/logger';
import { productMainArgs } from '../helpers/product-process';
import { freePort } from '../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'start-test-token-0123456789';

function waitForLine(
  child: ChildProcess,
  out: { text: string },
  re: RegExp,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${re}; output so far:\n${out.text}`)),
      timeoutMs,
    );
    const check = () => {
      const m = re.exec(out.text);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[0]);
      }
    };
    child.stdout?.on('data', check);
    check();
  });
}

interface Health {
  ok: boolean;
  router: { connected: boolean; simulated: boolean; identity: string | null; lastPollAt: string | null };
  db: { ok: boolean };
}

async function healthz(port: number): Promise<{ status: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

describe('npm start (demo mode)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-start-'));
  });
  const children: ChildProcess[] = [];
  afterAll(() => {
    // A failed assertion must not leave a server running (jest would never exit).
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz with the simulated router connected, keeps the demo router across restarts, and stops on SIGTERM', async () => {
    const [port, simPort] = [await freePort(), await freePort()];
    // Only what the product reads, so nothing from the test runner's environment leaks in.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'TMPDIR', 'LANG'].includes(k)),
    );
    const env = {
      ...inherited,
      NODE_ENV: 'production',
      PORT: String(port),
      BIND: '127.0.0.1',
      ROUTER_HOST: '',
      SIMULATOR_PORT: String(simPort),
      DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      DATA_DIR: dir,
      USAGE_POLL_SECONDS: '1',
      ADMIN_PASSWORD: '',
      ADMIN_API_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
    };
    const start = async () => {
      const out = { text: '' };
      const child = spawn(process.execPath, productMainArgs(), {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d) => (out.text += d.toString()));
      child.stderr!.on('data', (d) => (out.text += d.toString()));
      children.push(child);
      await waitForLine(child, out, /PisoNet Manager listening on/, 25000);
      return { child, out };
    };

    const first = await start();
    expect(first.out.text).toMatch(/DEMO MODE/);
    expect(first.out.text).toMatch(/generated admin password/);
    // The router connection and the first poll come up right after listening.
    let h = await healthz(port);
    for (let i = 0; i < 50 && !(h.body.router.connected && h.body.router.lastPollAt); i++) {
      await new Promise((r) => setTimeout(r, 200));
      h = await healthz(port);
    }
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      ok: true,
      router: { connected: true, simulated: true, identity: 'PisoNet-Demo' },
      db: { ok: true },
    });
    expect(typeof h.body.router.lastPollAt).toBe('string');

    // Sell two vouchers: they become hotspot users on the demo router, which must keep them across a restart.
    const sold = await fetch(`http://127.0.0.1:${port}/admin/api/vouchers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'BASIC', count: 2 }),
    });
    expect(sold.status).toBe(201);
    const codes: string[] = ((await sold.json()) as { vouchers: { code: string }[] }).vouchers.map(
      (v: { code: string }) => v.code,
    );
    expect(codes).toHaveLength(2);

    const exit1 = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    expect(await exit1).toBe(0);
    expect(first.out.text).toMatch(/stopped/);
    const saved = fs.readFileSync(path.join(dir, 'simulator.json'), 'utf8');
    for (const code of codes) expect(saved).toContain(code);

    const second = await start();
    expect(second.out.text).not.toMatch(/generated admin password/); // the first one was kept (hashed)
    h = await healthz(port);
    for (let i = 0; i < 50 && !h.body.router.connected; i++) {
      await new Promise((r) => setTimeout(r, 200));
      h = await healthz(port);
    }
    expect(h.body.router).toMatchObject({ connected: true, simulated: true });
    // Ask the demo router itself (any RouterOS API client can): the users are still configured.
    const client = createRouterClient({
      host: '127.0.0.1',
      port: simPort,
      user: 'admin',
      password: '',
      tls: false,
      timeoutSeconds: 5,
      logger: createLogger('silent'),
    });
    await client.start();
    expect(await client.waitConnected(5000)).toBe(true);
    const users = await client.print('/ip/hotspot/user', { proplist: ['name', 'limit-uptime'] });
    await client.stop();
    for (const code of codes) expect(users).toContainEqual({ name: code, 'limit-uptime': '1h' });
    const exit2 = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
    second.child.kill('SIGINT');
    expect(await exit2).toBe(0);
  }, 90000);
});
