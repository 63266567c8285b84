/**
 * The address customers' phones are sent to, for links the controller hands out of its own pages (a checkout's
 * return, the QR code and link of a printed card): PORTAL_URL (or the portal address set in Settings), else the
 * address and port of this computer the request reached. Never the request's Host header: whoever sends the
 * request writes it, and a card or a checkout pointing at another site is a genuine-looking way to phishing.
 */
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import { clientIPv4 } from '../domain/network';
import type { WebContext } from './context';

export function ownAddress(ctx: WebContext, req: Request): string {
  const configured = ctx.config.portalUrl.trim().replace(/\/+$/, '');
  if (configured) return configured;
  const local = req.socket.localAddress ?? '127.0.0.1';
  const host = clientIPv4(local) ?? `[${local}]`;
  const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  return `${scheme}://${host}:${req.socket.localPort ?? ctx.config.port}`;
}
