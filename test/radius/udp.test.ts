/**
 * exchange and listen over real UDP sockets on the loopback: retransmission of identical bytes, timeouts,
 * forged or stray replies ignored, duplicate requests answered from the cache, unknown clients dropped.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import {
  attr,
  decodeRequest,
  encodeRequest,
  encodeResponse,
  RadiusError,
  type Attribute,
  type RadiusPacket,
} from '../../src/radius/packet';
import { DUPLICATE_WINDOW_MS, exchange, listen, type ListenOptions, type Peer } from '../../src/radius/udp';

const SECRET = 'shop-secret';

interface RawPeer {
  socket: dgram.Socket;
  port: number;
  received: { msg: Buffer; from: Peer }[];
  /** Resolves with the next datagram. */
  next(): Promise<{ msg: Buffer; from: Peer }>;
  close(): Promise<void>;
}

/** A bare UDP socket on 127.0.0.1 that records what it gets; `onMessage` may answer. */
async function rawPeer(
  onMessage?: (msg: Buffer, from: Peer, peer: RawPeer) => void,
  address = '127.0.0.1',
): Promise<RawPeer> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, address);
  await once(socket, 'listening');
  const waiting: ((m: { msg: Buffer; from: Peer }) => void)[] = [];
  const peer: RawPeer = {
    socket,
    port: socket.address().port,
    received: [],
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, rinfo) => {
    const item = { msg, from: { address: rinfo.address, port: rinfo.port } };
    peer.received.push(item);
    waiting.shift()?.(item);
    onMessage?.(msg, item.from, peer);
  });
  return peer;
}

function reply(peer: RawPeer, to: Peer, bytes: Buffer): void {
  peer.socket.send(bytes, to.port, to.address);
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function responder(overrides: Partial<ListenOptions> = {}) {
  const drops: string[] = [];
  const handled: RadiusPacket[] = [];
  const server = await listen({
    port: 0,
    address: '127.0.0.1',
    secretOf: (address) => (address === '127.0.0.1' ? SECRET : undefined),
    handle: async (req) => {
      handled.push(req);
      return { code: 'Access-Accept', attributes: [['Session-Timeout', 3600]] };
    },
    onDrop: (reason) => drops.push(reason),
    ...overrides,
  });
  closers.push(server.close);
  return { server, drops, handled };
}

describe('exchange with listen', () => {
  it('an Access-Request with a password and Message-Authenticator gets its verified Access-Accept', async () => {
    const { server, handled } = await responder({
      requireMessageAuthenticator: true,
      handle: async (req) => {
        handled.push(req);
        const ok = attr(req, 'User-Password') === 'hello';
        return ok
          ? {
              code: 'Access-Accept',
              attributes: [
                ['Mikrotik-Rate-Limit', '1M/2M'],
                ['Session-Timeout', 3600],
              ],
            }
          : { code: 'Access-Reject', attributes: [['Reply-Message', 'wrong code']] };
      },
    });
    const accept = await exchange(
      'Access-Request',
      [
        ['User-Name', 'bob'],
        ['User-Password', 'hello'],
      ],
      { host: '127.0.0.1', port: server.port, secret: SECRET, requireMessageAuthenticator: true },
    );
    expect(accept.code).toBe('Access-Accept');
    expect(accept.attributes.slice(1)).toEqual([
      ['Mikrotik-Rate-Limit', '1M/2M'],
      ['Session-Timeout', 3600],
    ]);
    expect(attr(handled[0], 'User-Password')).toBe('hello');
    const reject = await exchange(
      'Access-Request',
      [
        ['User-Name', 'bob'],
        ['User-Password', 'nope'],
      ],
      {
        host: 'localhost',
        port: server.port,
        secret: SECRET,
      },
    );
    expect(reject.code).toBe('Access-Reject');
    expect(attr(reject, 'Reply-Message')).toBe('wrong code');
  });

  it('CoA and Disconnect requests get their ACK or NAK; Proxy-State is copied into the reply', async () => {
    const { server } = await responder({
      handle: async (req) =>
        req.code === 'CoA-Request'
          ? { code: 'CoA-ACK', attributes: [] }
          : { code: 'Disconnect-NAK', attributes: [['Error-Cause', 'Session-Context-Not-Found']] },
    });
    const opts = { host: '127.0.0.1', port: server.port, secret: SECRET };
    const ack = await exchange(
      'CoA-Request',
      [
        ['User-Name', 'v1'],
        ['Proxy-State', Buffer.from('p1')],
      ],
      opts,
    );
    expect(ack.attributes).toEqual([['Proxy-State', Buffer.from('p1')]]);
    const nak = await exchange('Disconnect-Request', [['User-Name', 'v1']], opts);
    expect(nak).toMatchObject({
      code: 'Disconnect-NAK',
      attributes: [['Error-Cause', 'Session-Context-Not-Found']],
    });
  });

  it("binds to localAddress: the responder sees the request come from it (a router's src-address)", async () => {
    const froms: string[] = [];
    const { server } = await responder({
      secretOf: () => SECRET,
      handle: async (_req, from) => {
        froms.push(from.address);
        return { code: 'Accounting-Response', attributes: [] };
      },
    });
    await exchange('Accounting-Request', [['Acct-Status-Type', 'Start']], {
      host: '127.0.0.1',
      port: server.port,
      secret: SECRET,
      localAddress: '127.0.0.2',
    });
    expect(froms).toEqual(['127.0.0.2']);
  });
});

describe('exchange', () => {
  it('retransmits the identical bytes when the first try is lost', async () => {
    const server = await rawPeer((msg, from, peer) => {
      if (peer.received.length === 1) return; // the first one is "lost"
      reply(peer, from, encodeResponse('Accounting-Response', decodeRequest(msg, SECRET), [], SECRET));
    });
    closers.push(server.close);
    const started = Date.now();
    const res = await exchange('Accounting-Request', [['Acct-Status-Type', 'Interim-Update']], {
      host: '127.0.0.1',
      port: server.port,
      secret: SECRET,
      timeoutMs: 150,
    });
    expect(res.code).toBe('Accounting-Response');
    expect(server.received).toHaveLength(2);
    expect(server.received[1].msg).toEqual(server.received[0].msg);
    expect(server.received[1].from).toEqual(server.received[0].from);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('times out cleanly after 1 + retries identical tries', async () => {
    const server = await rawPeer();
    closers.push(server.close);
    const started = Date.now();
    const failure = exchange('CoA-Request', [['User-Name', 'v1']], {
      host: '127.0.0.1',
      port: server.port,
      secret: SECRET,
      timeoutMs: 100,
      retries: 2,
    });
    await expect(failure).rejects.toThrow(RadiusError);
    await expect(failure).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/after 3 tries/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.received).toHaveLength(3);
    expect(new Set(server.received.map((r) => r.msg.toString('hex'))).size).toBe(1);
  });

  it('ignores forged, mismatched and stray replies and keeps waiting for the real one', async () => {
    const stray = await rawPeer();
    closers.push(stray.close);
    const server = await rawPeer((msg, from, peer) => {
      const req = decodeRequest(msg, SECRET);
      reply(peer, from, encodeResponse('CoA-ACK', req, [], 'wrong-secret'));
      reply(
        peer,
        from,
        encodeResponse('CoA-ACK', { ...req, identifier: (req.identifier + 1) % 256 }, [], SECRET),
      );
      reply(peer, from, Buffer.from('not radius'));
      stray.socket.send(encodeResponse('CoA-ACK', req, [], SECRET), from.port, from.address);
      setTimeout(() => reply(peer, from, encodeResponse('CoA-NAK', req, [['Error-Cause', 503]], SECRET)), 50);
    });
    closers.push(server.close);
    const ignored: string[] = [];
    const res = await exchange('CoA-Request', [['User-Name', 'v1']], {
      host: '127.0.0.1',
      port: server.port,
      secret: SECRET,
      timeoutMs: 1000,
      identifier: 10,
      onIgnored: (reason) => ignored.push(reason),
    });
    expect(res).toMatchObject({
      code: 'CoA-NAK',
      identifier: 10,
      attributes: [['Error-Cause', 'Session-Context-Not-Found']],
    });
    expect(server.received).toHaveLength(1);
    expect(ignored).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/authenticator does not match/),
        expect.stringMatching(/identifier 11/),
        expect.stringMatching(/shorter than a RADIUS header/),
        expect.stringMatching(new RegExp(`from 127.0.0.1:${stray.port}, not`)),
      ]),
    );
  });

  it('a socket that cannot bind rejects with NETWORK', async () => {
    const failure = exchange('Accounting-Request', [['Acct-Status-Type', 'Start']], {
      host: '127.0.0.1',
      port: 1813,
      secret: SECRET,
      localAddress: '192.0.2.1', // TEST-NET-1: not an address of this machine
    });
    await expect(failure).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringMatching(/EADDRNOTAVAIL/),
    });
  });

  it('bad attributes reject with BAD_VALUE before anything is sent', async () => {
    await expect(
      exchange('Accounting-Request', [['Session-Timeout', -1]], {
        host: '127.0.0.1',
        port: 9,
        secret: SECRET,
      }),
    ).rejects.toMatchObject({ code: 'BAD_VALUE' });
  });
});

describe('listen', () => {
  const accounting = (id: number, attributes: Attribute[] = [['Acct-Status-Type', 'Start']]): Buffer =>
    encodeRequest('Accounting-Request', id, attributes, SECRET);

  it('answers a duplicate from its cache without calling the handler again; a new request calls it', async () => {
    let clock = 1_000_000;
    const { server, handled } = await responder({
      now: () => clock,
      handle: async (req) => {
        handled.push(req);
        return { code: 'Accounting-Response', attributes: [['Reply-Message', `answer ${handled.length}`]] };
      },
    });
    const nas = await rawPeer();
    closers.push(nas.close);
    const request = accounting(1);
    nas.socket.send(request, server.port, '127.0.0.1');
    const first = await nas.next();
    nas.socket.send(request, server.port, '127.0.0.1');
    const second = await nas.next();
    expect(second.msg).toEqual(first.msg);
    expect(handled).toHaveLength(1);

    nas.socket.send(accounting(2), server.port, '127.0.0.1'); // another identifier: another request
    await nas.next();
    expect(handled).toHaveLength(2);

    clock += DUPLICATE_WINDOW_MS + 1; // past the window: the same bytes are a new request
    nas.socket.send(request, server.port, '127.0.0.1');
    const third = await nas.next();
    expect(handled).toHaveLength(3);
    expect(third.msg.toString()).toMatch(/answer 3/);
  });

  it('the same identifier with a new authenticator is a new request, and replaces the remembered one', async () => {
    const { server, handled } = await responder({
      handle: async (req) => {
        handled.push(req);
        return { code: 'Accounting-Response', attributes: [] };
      },
    });
    const nas = await rawPeer();
    closers.push(nas.close);
    const start = accounting(9, [['Acct-Status-Type', 'Start']]);
    const stop = accounting(9, [['Acct-Status-Type', 'Stop']]);
    for (const bytes of [start, stop, start]) {
      nas.socket.send(bytes, server.port, '127.0.0.1');
      await nas.next();
    }
    expect(handled.map((r) => attr(r, 'Acct-Status-Type'))).toEqual(['Start', 'Stop', 'Start']);
  });

  it('drops a duplicate that arrives while the handler is still busy', async () => {
    let release: () => void = () => undefined;
    const busy = new Promise<void>((resolve) => (release = resolve));
    const { server, handled, drops } = await responder({
      handle: async (req) => {
        handled.push(req);
        await busy;
        return { code: 'Accounting-Response', attributes: [] };
      },
    });
    const nas = await rawPeer();
    closers.push(nas.close);
    const request = accounting(3);
    nas.socket.send(request, server.port, '127.0.0.1');
    nas.socket.send(request, server.port, '127.0.0.1');
    await waitFor(() => drops.length === 1);
    expect(drops[0]).toMatch(/duplicate Accounting-Request 3/);
    release();
    await nas.next();
    expect(handled).toHaveLength(1);
    expect(nas.received).toHaveLength(1);
  });

  it('drops packets from unknown clients, with a wrong secret, or not required Message-Authenticator', async () => {
    const { server, handled, drops } = await responder({
      secretOf: (address) => (address === '127.0.0.1' ? SECRET : undefined),
      requireMessageAuthenticator: true,
    });
    const stranger = await rawPeer(undefined, '127.0.0.3');
    const nas = await rawPeer();
    closers.push(stranger.close, nas.close);
    stranger.socket.send(accounting(1), server.port, '127.0.0.1');
    nas.socket.send(encodeRequest('Accounting-Request', 2, [], 'other'), server.port, '127.0.0.1');
    nas.socket.send(accounting(3), server.port, '127.0.0.1');
    nas.socket.send(Buffer.from([1, 2, 3]), server.port, '127.0.0.1');
    await waitFor(() => drops.length === 4);
    expect(drops).toEqual(
      expect.arrayContaining([
        '127.0.0.3 is not a known RADIUS client',
        expect.stringMatching(/authenticator does not match/),
        expect.stringMatching(/no Message-Authenticator \(required\)/),
        expect.stringMatching(/shorter than a RADIUS header/),
      ]),
    );
    expect(handled).toEqual([]);
    expect(nas.received).toEqual([]);
  });

  it('a handler that fails sends nothing and is asked again on the retransmission', async () => {
    let calls = 0;
    const { server, drops } = await responder({
      handle: async () => {
        calls++;
        if (calls === 1) throw new Error('database busy');
        return { code: 'Accounting-Response', attributes: [] };
      },
    });
    const res = await exchange('Accounting-Request', [['Acct-Status-Type', 'Stop']], {
      host: '127.0.0.1',
      port: server.port,
      secret: SECRET,
      timeoutMs: 100,
    });
    expect(res.code).toBe('Accounting-Response');
    expect(calls).toBe(2);
    expect(drops).toEqual([expect.stringMatching(/no reply to Accounting-Request \d+: database busy/)]);
  });

  it('a port in use rejects with NETWORK; close twice is fine', async () => {
    const { server } = await responder();
    await expect(
      listen({
        port: server.port,
        address: '127.0.0.1',
        secretOf: () => SECRET,
        handle: async () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringMatching(/EADDRINUSE/) });
    await server.close();
    await server.close();
  });
});

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
