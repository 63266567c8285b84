/** A profile as the admin API and the terminal's `--json` both answer it (its profiles.json entry, and more). */
import { isoInstant as iso } from '../../../domain/units';
import type { ProfileRecord } from '../../types';

export function profileJson(p: ProfileRecord) {
  return {
    ...p.json,
    // Every profile says how it is sold: `prepaid` (vouchers) or `monthly` (subscribers).
    billing: p.profile.billing ?? 'prepaid',
    id: p.id,
    price_centavos: p.price,
    source: p.source,
    archived: p.archived,
    // The site it is sold on only (its name, as `site` is sent back on an edit), or null: every site.
    site: p.site?.name ?? null,
    site_id: p.site?.id ?? null,
    updated_at: iso(p.updatedAt),
  };
}
