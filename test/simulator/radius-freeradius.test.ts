/**
 * The simulated router's RADIUS client against a real FreeRADIUS 3.2 (Debian's package): a hotspot login through
 * it, accounting that FreeRADIUS records, and a Disconnect-Request from FreeRADIUS's own radclient. The
 * configuration is written here: one client, a `users` file, PAP, and the accounting written to a `detail` file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RouterSimulator } from '../../src/simulator';
import { apiLogin, IP, MAC, SECRET } from './fake-aaa';
import { attrs, RawClient } from './raw-client';

const FREERADIUS = '/usr/sbin/freeradius';
const RADCLIENT = '/usr/bin/radclient';
const available = fs.existsSync(FREERADIUS);

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * FreeRADIUS before 3.2.5 signs an Access-Accept with a Message-Authenticator only when told to; RouterOS 7.15+
 * requires one by default (require-message-auth=yes-for-request-resp) in an Accept and a Reject alike, so
 * `signReplies` adds it to both in post-auth.
 */
const SIGN = '    update reply {\n      Message-Authenticator := 0x00\n    }';

function config(dir: string, authPort: number, acctPort: number, signReplies: boolean): string {
  return `
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
confdir = ${dir}
raddbdir = ${dir}
logdir = ${dir}
run_dir = ${dir}
libdir = /usr/lib/freeradius
dictdir = /usr/share/freeradius
pidfile = ${dir}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 0
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
  auth = yes
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
client router {
  ipaddr = 127.0.0.1
  secret = ${SECRET}
}
modules {
  pap {
  }
  files {
    filename = ${dir}/users
  }
  detail {
    filename = ${dir}/detail
    permissions = 0600
    header = "%t"
  }
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${authPort}
  }
  listen {
    type = acct
    ipaddr = 127.0.0.1
    port = ${acctPort}
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
  preacct {
  }
  accounting {
    detail
  }
  post-auth {
${signReplies ? SIGN : ''}
    Post-Auth-Type REJECT {
${signReplies ? SIGN : ''}
    }
  }
}
`;
}

const USERS = `V1 Cleartext-Password := "pin-123"
\tMikrotik-Rate-Limit = "512k/2M",
\tSession-Timeout = 3600,
\tAcct-Interim-Interval = 60,
\tClass = 0x706c616e2d35
`;

interface Server {
  dir: string;
  authPort: number;
  acctPort: number;
  output(): string;
  stop(): Promise<void>;
}

async function startFreeRadius(signReplies: boolean): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routersim-freeradius-'));
  const authPort = await freeUdpPort();
  let acctPort = await freeUdpPort();
  while (acctPort === authPort) acctPort = await freeUdpPort();
  fs.writeFileSync(path.join(dir, 'radiusd.conf'), config(dir, authPort, acctPort, signReplies));
  fs.writeFileSync(path.join(dir, 'users'), USERS);
  let log = '';
  const child: ChildProcess = spawn(FREERADIUS, ['-f', '-d', dir, '-l', 'stdout'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const deadline = Date.now() + 15_000;
  while (!/Ready to process requests/.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`freeradius did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    authPort,
    acctPort,
    output: () => log,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The accounting records FreeRADIUS's detail module wrote, each as name → value. */
function detailRecords(dir: string): Record<string, string>[] {
  const file = path.join(dir, 'detail');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const record: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const m = /^\t(\S+) = (.*)$/.exec(line);
        if (m) record[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
      }
      return record;
    });
}

/** radclient sending one CoA or Disconnect request to the router; resolves with its output. */
function radclient(port: number, kind: 'disconnect' | 'coa', pairs: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(RADCLIENT, ['-x', '-r', '1', '-t', '2', `127.0.0.1:${port}`, kind, SECRET]);
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (out += b.toString()));
    c.on('error', reject);
    c.on('exit', () => resolve(out));
    c.stdin.end(`${pairs}\n`);
  });
}

// Only where FreeRADIUS is installed (.ci/run installs it): the simulator's RADIUS client talks to the real server.
const suite = available ? describe : describe.skip;
const title = available
  ? 'the hotspot against a real FreeRADIUS'
  : `the hotspot against a real FreeRADIUS (skipped: ${FREERADIUS} is not installed)`;

suite(title, () => {
  let radius: Server;
  let sim: RouterSimulator;
  let c: RawClient;
  let now: number;

  async function router(server: Server): Promise<void> {
    sim = new RouterSimulator({ clock: () => now, radiusIncomingPort: 0, identity: 'shop-1' });
    c = await RawClient.login((await sim.start()).port);
    await c.ok([
      '/radius/add',
      '=service=hotspot',
      '=address=127.0.0.1',
      `=secret=${SECRET}`,
      `=authentication-port=${server.authPort}`,
      `=accounting-port=${server.acctPort}`,
    ]);
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=yes']);
    await c.ok(['/radius/incoming/set', '=accept=yes']);
    await sim.radiusSettled();
    sim.addDevice({ mac: MAC, ip: IP });
  }

  beforeEach(() => {
    now = Date.now();
  });

  afterEach(async () => {
    await c?.close();
    await sim?.stop();
    await radius?.stop();
  });

  it('logs in with what FreeRADIUS grants, and FreeRADIUS records Start, Interim-Update and Stop', async () => {
    radius = await startFreeRadius(true);
    await router(radius);
    await c.ok(apiLogin('V1', 'pin-123'));
    expect(sim.rows('/ip/hotspot/active')[0]).toMatchObject({
      user: 'V1',
      radius: 'true',
      'session-time-left': '1h',
    });
    expect(sim.rows('/queue/simple')[0]).toMatchObject({
      name: '<hotspot-V1>',
      'max-limit': '512000/2000000',
    });

    sim.addTraffic(MAC, { up: 1200, down: 64_000 });
    now += 60_000;
    sim.tick(60);
    sim.addTraffic(MAC, { up: 300, down: 6_000 });
    now += 15_000;
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await sim.radiusSettled();

    const records = detailRecords(radius.dir);
    expect(records.map((r) => r['Acct-Status-Type'])).toEqual(['Start', 'Interim-Update', 'Stop']);
    const ids = new Set(records.map((r) => r['Acct-Session-Id']));
    expect(ids.size).toBe(1);
    expect(records[0]).toMatchObject({
      'User-Name': 'V1',
      'NAS-Identifier': 'shop-1',
      'Framed-IP-Address': IP,
      'Calling-Station-Id': MAC,
      Class: '0x706c616e2d35',
    });
    expect(records[1]).toMatchObject({
      'Acct-Session-Time': '60',
      'Acct-Input-Octets': '1200',
      'Acct-Output-Octets': '64000',
    });
    expect(records[2]).toMatchObject({
      'Acct-Session-Time': '75',
      'Acct-Input-Octets': '1500',
      'Acct-Output-Octets': '70000',
      'Acct-Input-Gigawords': '0',
      'Acct-Terminate-Cause': 'Admin-Reset',
    });
  });

  it('a wrong password: FreeRADIUS rejects, the router says invalid username or password', async () => {
    radius = await startFreeRadius(true);
    await router(radius);
    const reply = await c.command(apiLogin('V1', 'wrong'));
    expect(attrs(reply[0]).message).toBe('invalid username or password');
    expect(radius.output()).toMatch(/Login incorrect/);
  });

  it("radclient's Disconnect-Request ends the session; FreeRADIUS gets the Stop", async () => {
    radius = await startFreeRadius(true);
    await router(radius);
    await c.ok(apiLogin('V1', 'pin-123'));
    const out = await radclient(sim.radiusIncomingPort as number, 'disconnect', 'User-Name = "V1"');
    expect(out).toMatch(/Received Disconnect-ACK/);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    await sim.radiusSettled();
    const records = detailRecords(radius.dir);
    expect(records.map((r) => [r['Acct-Status-Type'], r['Acct-Terminate-Cause']])).toEqual([
      ['Start', undefined],
      ['Stop', 'Admin-Reset'],
    ]);
  });

  it('a FreeRADIUS that does not sign its Accept fails the default require-message-auth, not with no', async () => {
    radius = await startFreeRadius(false);
    await router(radius);
    const reply = await c.command(apiLogin('V1', 'pin-123'));
    // FreeRADIUS accepted the login either way: what differs is whether the router takes its answer.
    expect(radius.output()).toMatch(/Login OK/);
    if (attrs(reply[0]).message !== undefined) {
      // FreeRADIUS before 3.2.5: no Message-Authenticator in the Accept.
      expect(attrs(reply[0]).message).toBe('RADIUS server is not responding');
      await c.ok(['/radius/set', '=numbers=*1', '=require-message-auth=no']);
      await c.ok(apiLogin('V1', 'pin-123'));
    }
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
  });
});
