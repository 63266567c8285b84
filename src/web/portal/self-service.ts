/**
 * The portal's self-service: Pause / Resume / Start-next buttons (forms, no JavaScript needed) and their
 * JSON twins, the redeem outcomes (topped up, moved, confirm a move), and the words for them. The device
 * proves itself as for the status page (signed device cookie or its own hotspot address). A code typed by a device
 * whose code waits at its cap for extra data is added as data (`topup-data`).
 */
import type { Request, Response, Router } from 'express';
import { formatShopTime } from '../../domain/clock';
import { formatBytes, formatDurationHuman } from '../../domain/units';
import { registerMessages, translator, pickLanguage, type Translator } from '../../i18n';
import { toAppError } from '../../lib/error-reply';
import type { PauseState, SelfRedeemResult, SelfServiceStatus } from '../../services/shop/self-service';
import type { WebContext } from '../context';
import { sendJsonError } from '../middleware/errors';
import { peerAddress, provenDevice } from './device-proof';
import { portalFormToken, portalFormTokenValid } from './form-token';
import en from './self-service.en.json';
import fil from './self-service.fil.json';

registerMessages('en', en);
registerMessages('fil', fil);

const str = (v: unknown, max = 64): string => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * The site a portal request names (the login page's hidden field, the status page's address, or the API's
 * `site`: its id or its name); undefined when it names none.
 */
export function siteOf(req: Request): string | number | undefined {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const v = body.site ?? req.query.site;
  if (typeof v === 'number') return v;
  const s = str(v);
  return s === '' ? undefined : s;
}

/** The one-line notice after a redirect (`?notice=...`), from values this module put in the address. */
function noticeText(q: Record<string, unknown>, t: Translator): string | null {
  const seconds = Number(str(q.added, 12));
  const added = Number.isSafeInteger(seconds) && seconds > 0 ? formatDurationHuman(seconds) : '';
  const notice = str(q.notice, 16);
  switch (notice) {
    case 'topup-add':
      return t.t('self.notice.topup_add', { time: added });
    case 'topup-queue':
      return t.t('self.notice.topup_queue', { time: added });
    case 'topup-data':
    case 'topup-data-off': {
      const bytes = Number(str(q.bytes, 16));
      const size = Number.isSafeInteger(bytes) && bytes > 0 ? formatBytes(bytes) : '';
      return t.t(notice === 'topup-data' ? 'self.notice.topup_data' : 'self.notice.topup_data_offline', {
        size,
      });
    }
    case 'moved':
    case 'paused':
    case 'resumed':
    case 'reconnected':
      return t.t(`self.notice.${notice}`);
    default:
      return null;
  }
}

function errorText(code: string, t: Translator): string {
  const key = `self.error.${code}`;
  const text = t.t(key);
  if (text !== key) return text;
  const shared = t.t(`error.${code}`);
  return shared === `error.${code}` ? t.t('self.error.generic') : shared;
}

/** What the partial views/portal/_selfservice.ejs shows. */
export function selfServiceView(
  self: SelfServiceStatus,
  t: Translator,
  req: Request,
  res: Response,
  page: { mac: string; ip: string; site: string; lang: string; linkOrig: string; tz: string; now: number },
) {
  const q = req.query as Record<string, unknown>;
  const error = str(q.self_error, 32);
  let pauseNote: string | null = null;
  if (self.paused && self.pauseEndsAt !== null)
    // With its date when it ends on another day (a long pause), as the shop's other times are said.
    pauseNote = t.t('self.pause_ends', { time: formatShopTime(self.pauseEndsAt, page.tz, page.now) });
  else if (self.pausable && self.pausesLeft !== null)
    pauseNote = t.t('self.pauses_left', { n: self.pausesLeft });
  return {
    pausable: self.pausable,
    paused: self.paused,
    pauseNote,
    queued: self.queued.map((x) =>
      t.t('self.queued_item', {
        code: x.code,
        profile: x.profile,
        time: x.seconds === null ? t.t('status.unlimited') : formatDurationHuman(x.seconds),
      }),
    ),
    canStartQueued: self.canStartQueued,
    // Several devices share the code: the pause texts say what happens to the others.
    multiDevice: self.multiDevice,
    notice: noticeText(q, t),
    error: error ? errorText(error, t) : null,
    csrf: portalFormToken(req, res),
    mac: page.mac,
    // The device's hotspot address ('' when unknown), carried by the forms back to the status page.
    ip: page.ip,
    // The site the page was opened for (id or name), carried by its forms; '' for none.
    site: page.site,
    lang: page.lang,
    linkOrig: page.linkOrig,
    randomMacHint: t.t('self.random_mac'),
    // "Your code AV…3D moved to another phone at 1:26 AM…", or null.
    movedAway: self.movedAway
      ? t.t('status.moved_away', {
          code: self.movedAway.code,
          time: formatShopTime(self.movedAway.at, page.tz, page.now),
        })
      : null,
  };
}

/** The redeem API's extra fields for a self-service outcome. */
export function redeemJson(out: SelfRedeemResult): Record<string, unknown> {
  if (out.kind === 'topped-up') {
    const u = out.topUp;
    return {
      success: true,
      topped_up: {
        mode: u.mode,
        into: u.into,
        code: u.code,
        added_seconds: u.addedSeconds,
        added_bytes: u.addedBytes,
        queued_because: u.queuedBecause,
        remaining_seconds: u.remainingSeconds,
        // A code sold as extra data: whether the device is online again with its code.
        ...(u.mode === 'data' ? { online: u.online === true } : {}),
      },
    };
  }
  const r = out.kind === 'confirm-move' ? null : out.result;
  if (!r) return {};
  return {
    success: true,
    code: r.code,
    profile: r.profile,
    expires_at: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
    rate_up: r.rateUp,
    rate_down: r.rateDown,
    relogin: r.relogin,
    // A RADIUS site's code, checked: the device logs in on the router's own login page with these.
    ...(r.handoff ? { login: { username: r.handoff.username, password: r.handoff.password } } : {}),
    moved: out.kind === 'moved',
  };
}

/** Where the form redeem goes after a self-service outcome (the status page with a notice). */
export function redeemNotice(out: SelfRedeemResult): Record<string, string> {
  if (out.kind === 'topped-up' && out.topUp.mode === 'data')
    return {
      notice: out.topUp.online === false ? 'topup-data-off' : 'topup-data',
      bytes: String(out.topUp.addedBytes),
    };
  if (out.kind === 'topped-up')
    return {
      notice: out.topUp.mode === 'add' ? 'topup-add' : 'topup-queue',
      added: String(out.topUp.addedSeconds),
    };
  if (out.kind === 'moved') return { notice: 'moved' };
  return {};
}

type SelfAction = (req: Request) => Promise<PauseState | null>;

export function selfServiceRoutes(ctx: WebContext, r: Router): void {
  for (const [name, run] of Object.entries(selfActions(ctx))) {
    r.post(`/api/portal/${name}`, (req, res) => actionFromApi(ctx, name, run, req, res));
    r.post(`/portal/${name}`, (req, res) => actionFromForm(name, run, req, res));
  }
}

const macOfAsker = (req: Request) =>
  str((req.body as Record<string, unknown> | undefined)?.mac) || str(req.query.mac);

/** The buttons of the status page, each a call of the self-service for the device asking. */
function selfActions(ctx: WebContext): Record<string, SelfAction> {
  const { services } = ctx;
  const secret = ctx.deviceSecret ?? '';
  const askerOf = (req: Request) => ({ provenMac: provenDevice(req, secret), peerIp: peerAddress(req) });
  return {
    pause: (req) => services.selfService.pause(macOfAsker(req), askerOf(req), siteOf(req)),
    resume: (req) => services.selfService.resume(macOfAsker(req), askerOf(req), siteOf(req)),
    reconnect: (req) =>
      services.selfService.reconnect(macOfAsker(req), askerOf(req), siteOf(req)).then(() => null),
    'start-queued': (req) =>
      services.selfService.startQueued(macOfAsker(req), askerOf(req), siteOf(req)).then(() => null),
  };
}

async function actionFromApi(ctx: WebContext, name: string, run: SelfAction, req: Request, res: Response) {
  try {
    const s = await run(req);
    res.json({
      success: true,
      ...(name === 'reconnect' ? { online: true } : {}),
      ...(s
        ? {
            paused: s.paused,
            remaining_seconds: s.remainingSeconds,
            pause_ends_at: s.endsAt === null ? null : new Date(s.endsAt).toISOString(),
            pauses_left: s.pausesLeft,
          }
        : {}),
    });
  } catch (err) {
    sendJsonError(res, err, ctx.log, `portal ${name}`);
  }
}

async function actionFromForm(name: string, run: SelfAction, req: Request, res: Response) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const lang = pickLanguage(body.lang ?? req.query.lang, req.get('accept-language'));
  const site = siteOf(req);
  const ip = str(body.ip);
  const q: Record<string, string> = {
    mac: macOfAsker(req),
    ...(ip ? { ip } : {}),
    lang,
    'link-orig': str(body['link-orig'], 2048),
    ...(site === undefined ? {} : { site: String(site) }),
  };
  if (!portalFormTokenValid(req)) q.self_error = 'FORM_EXPIRED';
  else {
    try {
      await run(req);
      if (name !== 'start-queued')
        q.notice = name === 'pause' ? 'paused' : name === 'reconnect' ? 'reconnected' : 'resumed';
    } catch (err) {
      const code = toAppError(err).code;
      q.self_error = /^[A-Z_]{1,32}$/.test(code) ? code : 'generic';
    }
  }
  res.redirect(303, `/portal/status?${new URLSearchParams(q).toString()}`);
}

/** The confirmation the new device sees before a voucher in use elsewhere moves to it. */
export function confirmMoveMessage(lang: string): string {
  return translator(lang).t('self.confirm_move');
}
