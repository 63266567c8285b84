/** Adopting's answers as the admin API and the terminal's `--json` give them (snake_case; never a password). */
import type { AdoptableSecret, AdoptResult } from './adopt-types';

export const adoptableJson = (s: AdoptableSecret) => ({
  name: s.name,
  profile: s.profile,
  service: s.service,
  disabled: s.disabled,
  comment: s.comment,
  online: s.online,
  address: s.address,
  remote_address: s.remoteAddress,
  taken_by: s.takenBy,
  cannot_adopt: s.cannotAdopt,
});

export const adoptResultJson = (r: AdoptResult) => ({
  site: r.site,
  dry_run: r.dryRun,
  applied: r.applied,
  secrets: r.secrets.map((s) => ({
    name: s.name,
    comment: s.comment,
    profile: s.profile,
    ...(s.service ? { service: s.service } : {}),
    ...(s.disabled ? { disabled: s.disabled } : {}),
    ...(s.suspended ? { suspended: s.suspended } : {}),
    ...(s.remoteAddress ? { remote_address: s.remoteAddress } : {}),
    session: s.session,
    address: s.address,
    ...(s.subscriber ? { subscriber: { id: s.subscriber.id, account_no: s.subscriber.accountNo } } : {}),
  })),
});
