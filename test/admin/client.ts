/** A tiny cookie-keeping HTTP client for admin tests (fetch does not keep cookies by itself). */
export class AdminClient {
  cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  get sid(): string | undefined {
    return this.cookies.get('pisonet.sid');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const raw = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    // The whole response, as a browser finishes a page before its next request: express-session sends all but the
    // last byte before the session's save has landed, and a request sent on the headers alone could still read the
    // session from before (a login ended by a new password, say).
    const body = await raw.arrayBuffer();
    const res = new Response([101, 204, 205, 304].includes(raw.status) ? null : body, {
      status: raw.status,
      statusText: raw.statusText,
      headers: raw.headers,
    });
    for (const c of raw.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string): Promise<Response> {
    return this.request(path);
  }

  async html(path: string): Promise<string> {
    const res = await this.get(path);
    if (res.status !== 200)
      throw new Error(`GET ${path} → ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.text();
  }

  /** The CSRF token a page carries (form field or meta tag). */
  async token(path = '/admin/login'): Promise<string> {
    const html = await this.html(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF token on ${path}`);
    return m[1];
  }

  async post(path: string, form: Record<string, string>, token?: string): Promise<Response> {
    const body = new URLSearchParams(token === undefined ? form : { _csrf: token, ...form });
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async postJson(path: string, json: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: JSON.stringify(json),
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    });
  }

  async login(username = 'admin', password = 'correct horse battery'): Promise<Response> {
    const token = await this.token('/admin/login');
    return this.post('/admin/login', { username, password }, token);
  }
}

export const API_TOKEN = 'test-token-0123456789abcdef';
export const bearer = { authorization: `Bearer ${API_TOKEN}` };

/** A client signed in as the harness's owner (the login's 303 checked). */
export async function signedIn(base: string): Promise<AdminClient> {
  const c = new AdminClient(base);
  const res = await c.login();
  if (res.status !== 303) throw new Error(`admin login answered ${res.status}`);
  return c;
}
