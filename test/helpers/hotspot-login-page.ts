import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectPath } from '../../src/lib/paths';

/**
 * The router's hotspot web server, as far as docs/router-login.html sees it: GET /login (any query) answers
 * the uploaded login.html with the hotspot's variables filled in for the phone that asks, the way RouterOS
 * does for a device that has not logged in (docs/routeros.md "Login page variables"). The phone is named by
 * the test (`device`), as the router knows it from its hotspot host table.
 */
export interface HotspotLoginPage {
  url: string;
  /** Requests served, with the path and query each phone opened. */
  requests: string[];
  close(): Promise<void>;
}

const esc = (v: string) => encodeURIComponent(v);

export async function startHotspotLoginPage(opts: {
  /** The controller's address, put in place of PORTAL_BASE as the owner does before uploading. */
  portalBase: () => string;
  device: () => { mac: string; ip: string };
  linkOrig?: string;
}): Promise<HotspotLoginPage> {
  const template = fs.readFileSync(projectPath('docs', 'router-login.html'), 'utf8');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/login') {
      res.writeHead(404).end();
      return;
    }
    const { mac, ip } = opts.device();
    const host = req.headers.host ?? '127.0.0.1';
    const linkOrig = opts.linkOrig ?? 'http://example.com/';
    const linkLoginOnly = `http://${host}/login`;
    const vars: Record<string, string> = {
      mac,
      ip,
      'link-orig': linkOrig,
      'link-login-only': linkLoginOnly,
      'link-login': `${linkLoginOnly}?dst=${esc(linkOrig)}`,
      error: '',
    };
    let html = template.replace(/\$\(if error\)([\s\S]*?)\$\(endif\)/g, (_, inner: string) =>
      vars.error ? inner : '',
    );
    html = html.replace(/\$\(([a-z-]+?)(-esc)?\)/g, (whole, name: string, e?: string) => {
      const v = vars[name];
      if (v === undefined) return whole;
      return e ? esc(v) : v;
    });
    html = html.split('PORTAL_BASE').join(opts.portalBase());
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/login`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
