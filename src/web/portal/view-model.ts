/** Turns a PortalStatus into the strings the status page shows (no logic in the template). */
import { formatBytes, formatDurationHuman, formatRateHuman } from '../../domain/units';
import type { Translator } from '../../i18n';
import type { PortalStatus } from '../../services/types';

export interface StatusView {
  active: boolean;
  code: string | null;
  profile: string | null;
  timeLeft: string;
  dataUsed: string;
  dataLeft: string | null;
  speed: string | null;
  throttled: boolean;
  banners: string[];
  /** 0..100 for the data bar, or null when the voucher has no cap. */
  usedPercent: number | null;
}

/** 0 is "no limit" (the shop lifted the device's limit), not a speed of nothing. */
function speed(bps: number, t: Translator): string {
  return bps === 0 ? t.t('status.unlimited') : formatRateHuman(bps);
}

export function statusViewModel(s: PortalStatus, t: Translator): StatusView {
  const limit = s.capBytes ?? null;
  return {
    active: s.active,
    code: s.code,
    profile: s.profile,
    timeLeft: s.remainingSeconds === null ? t.t('status.unlimited') : formatDurationHuman(s.remainingSeconds),
    dataUsed: formatBytes(s.usedBytes),
    dataLeft: limit === null ? null : formatBytes(Math.max(0, limit - s.usedBytes)),
    speed:
      s.rateDown === null || s.rateUp === null
        ? null
        : t.t('status.speed_value', { down: speed(s.rateDown, t), up: speed(s.rateUp, t) }),
    throttled: s.throttled,
    banners: s.alerts.map((a) =>
      t.t(a.kind.startsWith('cap') ? 'status.alert.cap' : 'status.alert.fup', { percent: a.percent }),
    ),
    usedPercent: limit === null || limit <= 0 ? null : Math.min(100, Math.round((s.usedBytes / limit) * 100)),
  };
}
