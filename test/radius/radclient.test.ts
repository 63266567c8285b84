/**
 * Interop with FreeRADIUS's radclient: it sends Access-, Accounting-, CoA- and Disconnect-Requests to our
 * `listen` responder, which must verify them (authenticators, Message-Authenticator); radclient checks our
 * replies (Response Authenticator, Message-Authenticator) and exits 0 only when they verify and have the
 * expected code.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attr,
  decodeRequest,
  encodeResponse,
  type RadiusCode,
  type RadiusPacket,
} from '../../src/radius/packet';
import { listen, type Responder } from '../../src/radius/udp';
import { missingTools, RADCLIENT, radclient } from './tools';

const SECRET = 'pisonet-radius';
const missing = missingTools([RADCLIENT]);
// Only where radclient is installed (.ci/run installs freeradius-utils): it is the real client these tests use.
const describeWithRadclient = missing ? describe.skip : describe;
if (missing) console.warn(`radclient interop skipped: ${missing}`);

describeWithRadclient('radclient → listen', () => {
  let dir: string;
  let responder: Responder;
  const handled: RadiusPacket[] = [];
  const drops: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-radclient-'));
    fs.writeFileSync(
      path.join(dir, 'dictionary'),
      '# radclient reads <raddb>/dictionary; the real ones are in -D\n',
    );
    responder = await listen({
      port: 0,
      address: '127.0.0.1',
      secretOf: (address) => (address === '127.0.0.1' ? SECRET : undefined),
      onDrop: (reason) => drops.push(reason),
      handle: async (req) => {
        handled.push(req);
        return answer(req);
      },
    });
  });

  afterAll(async () => {
    await responder?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    handled.length = 0;
    drops.length = 0;
  });

  function answer(req: RadiusPacket): { code: RadiusCode; attributes: [string, string | number][] } {
    switch (req.code) {
      case 'Access-Request':
        return attr(req, 'User-Password') === 'hello'
          ? {
              code: 'Access-Accept',
              attributes: [
                ['Mikrotik-Rate-Limit', '1M/2M'],
                ['Session-Timeout', 3600],
              ],
            }
          : { code: 'Access-Reject', attributes: [['Reply-Message', 'Wrong voucher code']] };
      case 'Accounting-Request':
        return { code: 'Accounting-Response', attributes: [] };
      case 'CoA-Request':
        return { code: 'CoA-ACK', attributes: [] };
      default:
        return attr(req, 'User-Name') === 'gone'
          ? { code: 'Disconnect-NAK', attributes: [['Error-Cause', 'Session-Context-Not-Found']] }
          : { code: 'Disconnect-ACK', attributes: [] };
    }
  }

  const send = (command: 'auth' | 'acct' | 'coa' | 'disconnect', pairs: string, secret = SECRET) =>
    radclient({ port: responder.port, command, secret, pairs, dictionaryDir: dir, timeoutSeconds: 1 });

  it('Access-Request with PAP and Message-Authenticator: verified, password read, Accept accepted', async () => {
    const run = await send(
      'auth',
      'User-Name = "bob", User-Password = "hello", NAS-Identifier = "shop-1", Calling-Station-Id = "02:50:00:00:00:01", Message-Authenticator = 0x00',
    );
    expect(run.output).toMatch(/Received Access-Accept/);
    expect(run.output).toMatch(/Mikrotik-Rate-Limit = "1M\/2M"/);
    expect(run.output).toMatch(/Message-Authenticator = 0x[0-9a-f]{32}/); // ours, in the reply
    expect(run.exitCode).toBe(0);
    expect(handled).toHaveLength(1);
    expect(handled[0].attributes).toEqual([
      ['User-Name', 'bob'],
      ['User-Password', 'hello'],
      ['NAS-Identifier', 'shop-1'],
      ['Calling-Station-Id', '02:50:00:00:00:01'],
      ['Message-Authenticator', expect.any(Buffer)],
    ]);
  });

  it('a wrong password gets an Access-Reject that radclient verifies', async () => {
    const run = await send(
      'auth',
      'User-Name = "bob", User-Password = "nope", Response-Packet-Type = Access-Reject',
    );
    expect(run.output).toMatch(/Received Access-Reject[\s\S]*Wrong voucher code/);
    expect(run.exitCode).toBe(0);
  });

  it('Accounting-Request: authenticator verified, every kind of value decoded', async () => {
    const run = await send(
      'acct',
      [
        'User-Name = "bob"',
        'Acct-Status-Type = Interim-Update',
        'Acct-Session-Id = "81000001"',
        'Acct-Input-Octets = 4294967295',
        'Acct-Input-Gigawords = 2',
        'Event-Timestamp = 1700000000',
        'Framed-IP-Address = 10.5.50.11',
        'NAS-Port-Type = Wireless-802.11',
        'Mikrotik-Host-IP = 10.5.50.11',
        'Acct-Terminate-Cause = Idle-Timeout',
      ].join(', '),
    );
    expect(run.output).toMatch(/Received Accounting-Response/);
    expect(run.exitCode).toBe(0);
    expect(handled[0].attributes).toEqual([
      ['User-Name', 'bob'],
      ['Acct-Status-Type', 'Interim-Update'],
      ['Acct-Session-Id', '81000001'],
      ['Acct-Input-Octets', 4294967295],
      ['Acct-Input-Gigawords', 2],
      ['Event-Timestamp', 1700000000],
      ['Framed-IP-Address', '10.5.50.11'],
      ['NAS-Port-Type', 'Wireless-802.11'],
      ['Mikrotik-Host-IP', '10.5.50.11'],
      ['Acct-Terminate-Cause', 'Idle-Timeout'],
    ]);
  });

  it('CoA-Request with a MikroTik rate limit and Message-Authenticator: CoA-ACK accepted', async () => {
    const run = await send(
      'coa',
      'User-Name = "bob", Mikrotik-Rate-Limit = "2M/4M", Mikrotik-Address-List = "paid", Message-Authenticator = 0x00',
    );
    expect(run.output).toMatch(/Received CoA-ACK/);
    expect(run.exitCode).toBe(0);
    expect(handled[0].attributes.slice(0, 3)).toEqual([
      ['User-Name', 'bob'],
      ['Mikrotik-Rate-Limit', '2M/4M'],
      ['Mikrotik-Address-List', 'paid'],
    ]);
  });

  it('Disconnect-Request: ACK, and NAK with an Error-Cause, both accepted', async () => {
    const ack = await send('disconnect', 'User-Name = "bob", Acct-Session-Id = "81000001"');
    expect(ack.output).toMatch(/Received Disconnect-ACK/);
    expect(ack.exitCode).toBe(0);
    const nak = await send('disconnect', 'User-Name = "gone", Response-Packet-Type = Disconnect-NAK');
    expect(nak.output).toMatch(/Received Disconnect-NAK[\s\S]*Error-Cause = Session-Context-Not-Found/);
    expect(nak.exitCode).toBe(0);
  });

  it('a request signed with another secret is dropped, not answered', async () => {
    const run = await send('acct', 'User-Name = "bob", Acct-Status-Type = Start', 'not-the-secret');
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/No reply/);
    expect(handled).toEqual([]);
    expect(drops[0]).toMatch(/authenticator does not match/);
  });

  it('radclient does check replies: one signed with another secret fails it (so exit 0 above means verified)', async () => {
    const liar = dgram.createSocket('udp4');
    liar.on('message', (msg, rinfo) => {
      const reply = encodeResponse('Accounting-Response', decodeRequest(msg, SECRET), [], 'not-the-secret');
      liar.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => liar.bind(0, '127.0.0.1', resolve));
    try {
      const run = await radclient({
        port: liar.address().port,
        command: 'acct',
        secret: SECRET,
        pairs: 'User-Name = "bob", Acct-Status-Type = Start',
        dictionaryDir: dir,
        timeoutSeconds: 1,
      });
      expect(run.exitCode).not.toBe(0);
      expect(run.output).toMatch(/Reply verification failed.*invalid Response Authenticator/);
    } finally {
      await new Promise<void>((resolve) => liar.close(() => resolve()));
    }
  });
});
