/**
 * Interop with a real FreeRADIUS server: `exchange` sends Access-Requests (PAP, Message-Authenticator) and
 * Accounting-Requests to a throwaway `freeradius -f` with a minimal configuration written to a temp folder.
 * The client entry requires a Message-Authenticator, so an Accept also proves the server verified ours; the
 * server signs its Access-Accept and Access-Reject too, and decodeResponse verifies its Message-Authenticator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attr, type RadiusPacket } from '../../src/radius/packet';
import { exchange, type ExchangeOptions } from '../../src/radius/udp';
import { FREERADIUS, freeradiusModuleDir, freeUdpPort, missingTools } from './tools';

const SECRET = 'freeradius-secret';
const moduleDir = freeradiusModuleDir();
const missing =
  missingTools([FREERADIUS]) ?? (moduleDir ? undefined : 'FreeRADIUS modules (rlm_pap.so) not found');
const describeWithServer = missing ? describe.skip : describe;
if (missing) console.warn(`FreeRADIUS interop skipped: ${missing}`);

/**
 * The smallest radiusd.conf that serves PAP from a users file: every path inside `dir`, no user/group (it runs
 * as whoever runs the tests), logs on stdout so a failure shows why.
 */
function radiusdConf(dir: string, authPort: number, acctPort: number): string {
  return `
confdir = ${dir}
logdir = ${dir}
run_dir = ${dir}
libdir = ${moduleDir}
pidfile = ${dir}/radiusd.pid
max_request_time = 5
cleanup_delay = 1
max_requests = 256
hostname_lookups = no
log {
  destination = stdout
  auth = yes
}
security {
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
  max_requests_per_server = 0
}
client localhost {
  ipaddr = 127.0.0.1
  secret = ${SECRET}
  require_message_authenticator = yes
}
modules {
  pap {
  }
  files {
    filename = ${dir}/users
  }
  always ok {
    rcode = ok
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
    pap
  }
  accounting {
    ok
  }
  # FreeRADIUS before 3.2.5 signs a reply only when it holds a Message-Authenticator; BlastRADIUS advice is to
  # sign every Access-Accept and Access-Reject.
  post-auth {
    update reply {
      Message-Authenticator := 0x00
    }
    Post-Auth-Type REJECT {
      update reply {
        Message-Authenticator := 0x00
      }
    }
  }
}
`;
}

const USERS = `bob Cleartext-Password := "hello"
\tMikrotik-Rate-Limit := "1M/2M",
\tSession-Timeout := 3600
`;

describeWithServer('exchange → FreeRADIUS', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let output = '';
  let auth: ExchangeOptions;
  let acct: ExchangeOptions;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-freeradius-'));
    const [authPort, acctPort] = [await freeUdpPort(), await freeUdpPort()];
    fs.writeFileSync(path.join(dir, 'radiusd.conf'), radiusdConf(dir, authPort, acctPort));
    fs.writeFileSync(path.join(dir, 'users'), USERS);
    auth = { host: '127.0.0.1', port: authPort, secret: SECRET, timeoutMs: 1000, retries: 1 };
    acct = { ...auth, port: acctPort };
    server = spawn(FREERADIUS, ['-f', '-l', 'stdout', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`FreeRADIUS not ready after 8 s:\n${output}`)), 8000);
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to process requests')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server!.stdout!.on('data', read);
      server!.stderr!.on('data', read);
      server!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`FreeRADIUS exited with ${code} before it was ready:\n${output}`));
      });
    });
  });

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Waits for the server's log to show `pattern`: its stdout may arrive after the UDP reply. */
  async function logged(pattern: RegExp): Promise<void> {
    for (const until = Date.now() + 2000; !pattern.test(output);) {
      if (Date.now() > until) throw new Error(`FreeRADIUS never logged ${pattern}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const login = (password: string, extra: Partial<ExchangeOptions> = {}): Promise<RadiusPacket> =>
    exchange(
      'Access-Request',
      [
        ['User-Name', 'bob'],
        ['User-Password', password],
        ['NAS-Identifier', 'shop-1'],
        ['Calling-Station-Id', '02:50:00:00:00:01'],
      ],
      { ...auth, ...extra },
    );

  it('the right password: Access-Accept with the rate limit and session timeout decoded', async () => {
    const accept = await login('hello', { requireMessageAuthenticator: true });
    expect(accept.code).toBe('Access-Accept');
    expect(attr(accept, 'Message-Authenticator')).toHaveLength(16); // the server's, verified by decodeResponse
    expect(attr(accept, 'Mikrotik-Rate-Limit')).toBe('1M/2M');
    expect(attr(accept, 'Session-Timeout')).toBe(3600);
    await logged(/Login OK: \[bob\]/);
  });

  it('a wrong password: Access-Reject', async () => {
    const reject = await login('wrong', { requireMessageAuthenticator: true });
    expect(reject.code).toBe('Access-Reject');
    await logged(/Login incorrect \(pap: Cleartext password does not match/);
  });

  // FreeRADIUS logs a dropped packet at most once a second: only this test (the first drop) reads the log.
  it('another secret: the server finds our Message-Authenticator wrong and drops the request', async () => {
    const attempt = login('hello', { secret: 'not-the-secret', timeoutMs: 300, retries: 0 });
    await expect(attempt).rejects.toMatchObject({ code: 'TIMEOUT' });
    await logged(/Received packet from 127.0.0.1 with invalid Message-Authenticator/);
  });

  it('without a Message-Authenticator the server (require_message_authenticator) drops it: TIMEOUT', async () => {
    await expect(
      login('hello', { messageAuthenticator: false, timeoutMs: 300, retries: 0 }),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('Accounting-Request Start, Interim-Update with gigawords, Stop: each gets an Accounting-Response', async () => {
    const session: [string, string | number][] = [
      ['User-Name', 'bob'],
      ['Acct-Session-Id', '81000001'],
      ['NAS-Identifier', 'shop-1'],
      ['Framed-IP-Address', '10.5.50.11'],
    ];
    const start = await exchange('Accounting-Request', [...session, ['Acct-Status-Type', 'Start']], acct);
    expect(start).toMatchObject({ code: 'Accounting-Response', attributes: [] });
    const interim = await exchange(
      'Accounting-Request',
      [
        ...session,
        ['Acct-Status-Type', 'Interim-Update'],
        ['Acct-Input-Octets', 4_294_967_295],
        ['Acct-Input-Gigawords', 3],
        ['Event-Timestamp', Math.floor(Date.now() / 1000)],
      ],
      { ...acct, messageAuthenticator: true },
    );
    expect(interim.code).toBe('Accounting-Response');
    const stop = await exchange(
      'Accounting-Request',
      [...session, ['Acct-Status-Type', 'Stop'], ['Acct-Terminate-Cause', 'Session-Timeout']],
      acct,
    );
    expect(stop.code).toBe('Accounting-Response');
  });

  it('an Accounting-Request signed with another secret is dropped by the server: TIMEOUT', async () => {
    const wrong = { ...acct, secret: 'not-the-secret', timeoutMs: 300, retries: 0 };
    await expect(
      exchange('Accounting-Request', [['Acct-Status-Type', 'Start']], wrong),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });
});
