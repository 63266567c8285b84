/** Turns a PortalStatus into the strings the status page shows (no logic in the template). */
import {
  formatBytes,
  formatCountdown,
  formatDurationHuman,
  formatMoney,
  formatRateHuman,
} from '../../domain/units';
import type { Translator } from '../../i18n';
import type { PortalStatus, ProfileRecord } from '../../services/types';

/** "1 GB" rather than "1.0 GB" for an offer's round size. */
const offerSize = (bytes: number): string => formatBytes(bytes).replace(/\.0 /, ' ');

function extraDataView(s: PortalStatus, t: Translator, vendo: boolean) {
  const x = s.extraData;
  if (!s.active || !x) return null;
  const words = { size: offerSize(x.bytes), price: formatMoney(x.price) };
  return {
    // "Buy 1 GB more for ₱10.00".
    offer: t.t('status.extra.offer', words),
    // With a code: its data is added, its time is not.
    howCode: t.t('status.extra.how_code'),
    // With coins, when a coin box sells here; null otherwise.
    howVendo: vendo ? t.t('status.extra.how_vendo', words) : null,
    // The coin box's intro on this page (what the coins buy).
    vendoIntro: t.t('vendo.intro_extra', words),
    // Wall-clock time runs on while the customer is offline.
    timeNote: s.clockRunning ? t.t('status.extra.time_runs') : null,
  };
}

/** 0 is "no limit" (the shop lifted the device's limit), not a speed of nothing. */
function speed(bps: number, t: Translator): string {
  return bps === 0 ? t.t('status.unlimited') : formatRateHuman(bps);
}

/** `vendo`: a coin box sells at the device's site (the offer says coins buy it too). */
export function statusViewModel(s: PortalStatus, t: Translator, opts: { vendo?: boolean } = {}) {
  const u = s.usage;
  const running = s.active && s.clockRunning && s.remainingSeconds !== null;
  const extraData = extraDataView(s, t, opts.vendo === true);
  return {
    active: s.active,
    // The device is online as its router says; false with an active code: the page offers to reconnect.
    online: s.active && s.online,
    // Offline because the shop logged it out (not the router): the reconnect help says so.
    loggedOutByShop: s.loggedOutByShop,
    // Offline, and extra data was sold since: the reconnect help says so.
    extraSinceLogout: s.extraSinceLogout,
    // How the last voucher ended (expired, exhausted, revoked), or null.
    ended: s.active ? null : s.ended,
    // The page knows which device asks; false: it asks for the code again rather than saying "no voucher".
    identified: s.identified,
    code: s.code,
    profile: s.profile,
    timeLeft:
      s.remainingSeconds === null
        ? t.t('status.unlimited')
        : running
          ? formatCountdown(s.remainingSeconds)
          : formatDurationHuman(s.remainingSeconds),
    // Seconds left while the clock runs (the page counts them down), else null.
    countdown: running ? s.remainingSeconds : null,
    // Online-time vouchers: time stands still while the device is offline.
    paused: s.active && s.remainingSeconds !== null && !s.clockRunning,
    dataUsed: formatBytes(u.used),
    // The cap minus the counted bytes: free off-peak traffic is used, never taken from what is left.
    dataLeft: u.left === null ? null : formatBytes(u.left),
    // While data is free (an unlimited off-peak window), the line that says until when; else null.
    freeData: s.freeDataUntil === null ? null : t.t('status.free_until', { time: s.freeDataUntil }),
    // A speed is what a device online gets: none is shown to one the router logged out.
    speed:
      !s.online || s.rateDown === null || s.rateUp === null
        ? null
        : t.t('status.speed_value', { down: speed(s.rateDown, t), up: speed(s.rateUp, t) }),
    throttled: s.throttled,
    // Data used up with more for sale: the offer says it (a "100 % used" banner beside it would repeat it).
    banners: (extraData ? [] : u.alerts).map((a) =>
      t.t(a.kind === 'cap' ? 'status.alert.cap' : 'status.alert.fup', { percent: a.percent }),
    ),
    // 0..100 of the cap counted so far (as the banners), or null when the voucher has no cap.
    // The bar and the banners read the same counted bytes.
    usedPercent: u.usedPercent,
    // Data used up on a plan that sells extra data (the voucher waits, active, offline): the offer and how to
    // buy it, in the customer's words. Null otherwise.
    extraData,
  };
}

/** What a customer can buy: the active (not archived) profiles, cheapest first. */
export function planViews(profiles: readonly ProfileRecord[], t: Translator) {
  return (
    profiles
      // A monthly plan is for subscribers: never on the portal's price list.
      .filter((r) => !r.archived && r.profile.billing !== 'monthly')
      .slice()
      .sort((a, b) => a.price - b.price || a.name.localeCompare(b.name))
      .map((r) => {
        const p = r.profile;
        const span = p.validitySeconds === null ? null : formatDurationHuman(p.validitySeconds);
        const shared = p.contentionRatio !== undefined && p.contentionRatio > 1;
        return {
          name: r.name,
          description: p.description ?? '',
          price: formatMoney(r.price),
          time:
            span === null
              ? t.t('plans.no_time_limit')
              : p.timeMode === 'uptime'
                ? t.t('plans.online_time', { time: span })
                : span,
          speed: t.t(shared ? 'plans.speed_shared' : 'plans.speed_value', {
            down: formatRateHuman(p.rateDown),
            up: formatRateHuman(p.rateUp),
          }),
          // A shared plan (1:N): its speed is split among up to N busy devices, so the page says so.
          shared: shared ? t.t('plans.shared', { n: p.contentionRatio! }) : '',
          data:
            p.dataCapBytes !== undefined
              ? t.t('plans.data_cap', { size: formatBytes(p.dataCapBytes) })
              : p.fup
                ? t.t('plans.data_fup', { size: formatBytes(p.fup.thresholdBytes) })
                : t.t('plans.data_unlimited'),
          devices: p.users,
        };
      })
  );
}
