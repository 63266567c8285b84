/**
 * The hotspot's own HTTP pages as a phone reaches them from an external captive portal (docs/routeros.md
 * "RADIUS", "The hotspot's HTTP login"): `/login` (✔ POST or GET with `username`, `password`, `dst`, `popup`),
 * `/status` and `/logout`. ✔ A success sends the browser on to `dst` (else the status page); a refusal shows the
 * login page again with the refusal's text where the page has `$(error)`. A device that comes back to `/login`
 * with its cookie (or a MAC cookie, cookies.ts) logs in without the code, or is refused as a typed login would be.
 *
 * The device is the one at the request's source address. Every test phone connects from 127.0.0.1, so from a
 * loopback address the simulator takes the device's MAC from the `X-Sim-Client-Mac` request header instead, a
 * simulator-only aid that a router does not have.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { HOTSPOT_COOKIE } from './cookies';
import type { HotspotLogin } from './hotspot-login';
import { LOGIN_ERR_BAD_CREDENTIALS, Trap } from './messages';
import { serverProfileOf } from './radius/nas';
import type { Hotspot } from './sessions';
import { FACTORY_LOGIN_HTML, type ActiveItem, type HostItem, type RouterState } from './state';
import { formatSeconds, normaliseMac } from './values';

/** The simulator-only request header naming the device of a request from a loopback address. */
const SIM_CLIENT_MAC_HEADER = 'x-sim-client-mac';

const MAX_BODY = 16 * 1024;

/** ◐ The hotspot's `errors.txt` wording for status and logout pages of a device that is not logged in. */
const notLoggedIn = (ip: string): string => `you are not logged in (ip ${ip})`;

export class HotspotHttp {
  private server?: Server;

  constructor(
    private readonly state: RouterState,
    private readonly hotspot: Hotspot,
    private readonly login: HotspotLogin,
    private readonly warn: (message: string, err: unknown) => void,
  ) {}

  get port(): number | undefined {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : undefined;
  }

  async start(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        this.warn('simulator: hotspot HTTP request failed', err);
        if (!res.headersSent) send(res, 500, page('error', '<p>internal error</p>'));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.warn('simulator: hotspot HTTP server error', err));
    this.server = server;
    return this.port ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hotspot');
    const host = this.deviceOf(req);
    if (!host) return send(res, 403, page('hotspot', '<p>not a hotspot client</p>'));
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/login') return this.loginPage(req, res, url, host);
    if (path === '/status') return this.statusPage(res, host);
    if (path === '/logout') return this.logoutPage(res, host);
    send(res, 404, page('not found', '<p>not found</p>'));
  }

  /** The device a request comes from: by its address, or by the simulator's header from a loopback address. */
  private deviceOf(req: IncomingMessage): HostItem | undefined {
    const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (address.startsWith('127.') || address === '::1') {
      const header = req.headers[SIM_CLIENT_MAC_HEADER];
      const mac = normaliseMac(typeof header === 'string' ? header.trim() : '');
      return mac ? this.state.hostsByMac.get(mac) : undefined;
    }
    return this.state.hosts.list.find((h) => h.ip === address);
  }

  private async loginPage(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    host: HostItem,
  ): Promise<void> {
    const form = req.method === 'POST' ? await readForm(req) : url.searchParams;
    const username = form.get('username');
    const dst = form.get('dst') ?? '';
    if (username === null) {
      // A browser (or, with mac-cookie, a device) back with its cookie logs in without the code when it may.
      try {
        const byCookie = host.authorized ? undefined : this.login.cookieLogin(host, browserCookie(req));
        if (byCookie) {
          await byCookie;
          return redirect(res, dst);
        }
      } catch (err) {
        if (!(err instanceof Trap)) throw err;
        return send(res, 200, loginHtml('', dst, err.message));
      }
      const uploaded = this.uploadedLoginPage(host, dst);
      return send(res, 200, uploaded ?? loginHtml('', dst, ''));
    }
    const password = form.get('password') ?? '';
    const args = { user: username, password, ip: host.ip, mac: host.mac };
    try {
      // ✔ A plain password is taken only when the server profile allows http-pap; otherwise the page had to
      // send the CHAP response, and a plain password cannot be one (✖ refused as a wrong password).
      const methods = (serverProfileOf(this.state, host.server)['login-by'] ?? '').split(',');
      if (!methods.includes('http-pap')) {
        this.hotspot.loginFailed(args, LOGIN_ERR_BAD_CREDENTIALS);
        throw new Trap(LOGIN_ERR_BAD_CREDENTIALS);
      }
      const session = await this.login.login(args);
      const cookie = this.state.cookies.list.find((c) => c.user === session.user && c.mac === session.mac);
      return redirect(res, dst, cookie?.token);
    } catch (err) {
      if (!(err instanceof Trap)) throw err;
      return send(res, 200, loginHtml(username, dst, err.message));
    }
  }

  private statusPage(res: ServerResponse, host: HostItem): void {
    const session = this.sessionOf(host);
    if (!session) return send(res, 200, loginHtml('', '', notLoggedIn(host.ip)));
    const left = this.hotspot.timeLeft(session);
    const rows: [string, string][] = [
      ['username', session.user],
      ['ip', session.ip],
      ['mac', session.mac],
      ['uptime', formatSeconds(this.hotspot.sessionUptime(session))],
      ['bytes-in', String(session.counters.bytesIn)],
      ['bytes-out', String(session.counters.bytesOut)],
    ];
    if (left !== null) rows.push(['session-time-left', formatSeconds(left)]);
    const body = rows.map(([k, v]) => `<tr><td>${k}</td><td id="${k}">${esc(v)}</td></tr>`).join('');
    send(res, 200, page('hotspot status', `<table>${body}</table><a href="/logout">log off</a>`));
  }

  private logoutPage(res: ServerResponse, host: HostItem): void {
    const session = this.sessionOf(host);
    if (!session) return send(res, 200, loginHtml('', '', notLoggedIn(host.ip)));
    this.hotspot.logout(session, 'user request');
    send(
      res,
      200,
      page('hotspot logout', `<p>you have just logged out</p><p id="username">${esc(session.user)}</p>`),
    );
  }

  /**
   * ✔ The login page the hotspot serves is `login.html` in the server profile's html-directory-override when set,
   * else its html-directory, with the hotspot's variables filled in (docs/routeros.md "Login page variables").
   * The factory page stays the simulator's built-in form; a page uploaded in its place is served as written.
   */
  private uploadedLoginPage(host: HostItem, dst: string): string | undefined {
    const profile = serverProfileOf(this.state, host.server);
    const dir = (profile['html-directory-override'] || profile['html-directory'] || 'hotspot').replace(
      /^\/+|\/+$/g,
      '',
    );
    const file = this.state.files.byNameGet(`${dir}/login.html`);
    const contents = file?.cfg.contents;
    if (contents === undefined || contents === FACTORY_LOGIN_HTML) return undefined;
    const name = profile['dns-name'] || profile['hotspot-address'] || '10.5.50.1';
    const vars: Record<string, string> = {
      mac: host.mac,
      ip: host.ip,
      'link-login-only': `http://${name}/login`,
      'link-login': `http://${name}/login?dst=${encodeURIComponent(dst)}`,
      'link-orig': dst,
      'link-status': `http://${name}/status`,
      'server-name': host.server,
      error: '',
      username: '',
    };
    return fillVariables(contents, vars);
  }

  private sessionOf(host: HostItem): ActiveItem | undefined {
    return this.state.active.list.find((a) => a.mac === host.mac);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) break;
    chunks.push(chunk);
  }
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * ✔ The hotspot's page variables: `$(name)` HTML-escaped, `$(name-esc)` URL-escaped, `$(if name)…$(endif)` kept
 * only when the value is not empty (✖ the full language has `$(elif)`, `$(else)` and comparisons; not modelled).
 */
function fillVariables(page: string, vars: Record<string, string>): string {
  const withIfs = page.replace(
    /\$\(if ([a-z-]+)\)([\s\S]*?)\$\(endif\)/g,
    (_m, name: string, body: string) => ((vars[name] ?? '') !== '' ? body : ''),
  );
  return withIfs.replace(/\$\(([a-z-]+)\)/g, (_m, name: string) => {
    if (name.endsWith('-esc')) return encodeURIComponent(vars[name.slice(0, -4)] ?? '');
    return esc(vars[name] ?? '');
  });
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`;
}

/** The default login page's form, with `$(error)` filled in when there is one. */
function loginHtml(username: string, dst: string, error: string): string {
  const form =
    '<form name="login" action="/login" method="post">' +
    `<input type="hidden" name="dst" value="${esc(dst)}"><input type="hidden" name="popup" value="true">` +
    `<input name="username" type="text" value="${esc(username)}"><input name="password" type="password">` +
    '<input type="submit" value="OK"></form>';
  return page('hotspot login', form + (error ? `<p id="error">${esc(error)}</p>` : ''));
}

/** ✔ A login sends the browser on to `dst`, else the status page; with a cookie for it when one was made. */
function redirect(res: ServerResponse, dst: string, token?: string): void {
  res.writeHead(302, {
    location: dst || '/status',
    'cache-control': 'no-cache',
    ...(token ? { 'set-cookie': `${HOTSPOT_COOKIE}=${token}; Path=/; HttpOnly` } : {}),
  });
  res.end();
}

/** The hotspot cookie the browser sent, if any. */
function browserCookie(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === HOTSPOT_COOKIE) return rest.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(html);
}
