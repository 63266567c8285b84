/**
 * GET /metrics: the Prometheus exposition (src/metrics), for a scraper with `Authorization: Bearer <token>`, the
 * token being METRICS_TOKEN, else ADMIN_API_TOKEN (docs/monitoring.md). No admin session and no CSRF: a scraper
 * has neither. Anybody else gets 401, and so does everybody while no token is set, with the variable to set.
 */
import express, { type Router } from 'express';
import type { AppConfig } from '../config/env';
import { AppError } from '../domain/errors';
import { errorJson } from '../lib/error-reply';
import type { Metrics } from '../metrics';
import { safeEqual } from './middleware/auth';

/** The token /metrics answers to, and the variable it came from. */
export function scrapeToken(config: AppConfig): { value: string; name: string } | undefined {
  if (config.metricsToken) return { value: config.metricsToken, name: 'METRICS_TOKEN' };
  if (config.admin.apiToken) return { value: config.admin.apiToken, name: 'ADMIN_API_TOKEN' };
  return undefined;
}

const NO_TOKEN =
  'No token is set for /metrics. Set METRICS_TOKEN (at least 16 characters; ADMIN_API_TOKEN is used when it is empty) in .env and restart PisoNet Manager.';

export function metricsRouter(config: AppConfig, metrics: Metrics | undefined): Router {
  const r = express.Router();
  const token = scrapeToken(config);
  r.get('/metrics', async (req, res) => {
    res.set('cache-control', 'no-store');
    const refuse = (message: string) => {
      res.set('www-authenticate', 'Bearer realm="metrics"');
      res.status(401).json(errorJson(new AppError('UNAUTHENTICATED', message, 401)));
    };
    // No token, no metrics: the server collects them only when it has a token to be scraped with (src/app.ts).
    if (!token || !metrics) return refuse(NO_TOKEN);
    const m = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    // Compared in constant time (hashes of both): the answer says nothing about how close a guess was.
    if (!m || !safeEqual(m[1].trim(), token.value))
      return refuse(`Send the ${token.name} from .env as "Authorization: Bearer <token>".`);
    const text = await metrics.render();
    // end(), not send(): no ETag to hash for a text that is new at every scrape.
    res.set('content-type', metrics.contentType).end(text);
  });
  return r;
}
