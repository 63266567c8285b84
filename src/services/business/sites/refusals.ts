/** The sites service's refusals, in the words the admin, the API and the terminal show. */
import { AppError, SiteHasVouchersError } from '../../../domain/errors';

export const fixedDefault = () =>
  new AppError(
    'SITE_DEFAULT_FIXED',
    'The site "default" is the router set in .env (ROUTER_HOST, ROUTER_USER, ROUTER_PASSWORD…): change it there and restart.',
    409,
  );

/** The name `default` asked for another site. */
export const defaultNameTaken = () =>
  new AppError(
    'SITE_NAME_TAKEN',
    'The name "default" belongs to the router in .env; pick another name',
    409,
    'name',
  );

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The refusal of a removal while the site has open vouchers: how many of each, and how to go ahead. */
export function hasVouchers(name: string, open: { unused: number; active: number }): AppError {
  const parts = [
    ...(open.unused ? [plural(open.unused, 'unused voucher')] : []),
    ...(open.active ? [`${plural(open.active, 'active voucher')} (in use now)`] : []),
  ];
  return new SiteHasVouchersError(
    `The site "${name}" still has ${parts.join(' and ')}. Removing it ends them: they are revoked and can no ` +
      'longer be used on any site (their sales stay in the reports). To go ahead, remove it with force ' +
      '(the admin\'s "Remove anyway" button, `DELETE /admin/api/sites/:id?force=true`, or ' +
      '`pisonet sites remove SITE --force`).',
    open,
  );
}

const list = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * A removal refused while the site still sells something of its own: profiles not archived, vendos switched
 * on. Making them shared would put a branch's own prices on every site's portal (or its coin box on every
 * site's), so the owner decides: share them, tie them to another site, archive or switch them off.
 */
export function hasOwnItems(name: string, profiles: string[], vendos: string[]): AppError {
  const parts = [
    ...(profiles.length ? [`the profile${profiles.length === 1 ? '' : 's'} ${list(profiles)}`] : []),
    ...(vendos.length ? [`the coin vendo${vendos.length === 1 ? '' : 's'} ${list(vendos)}`] : []),
  ];
  return new AppError(
    'SITE_HAS_OWN_ITEMS',
    `The site "${name}" still sells ${parts.join(' and ')} of its own. Before removing it, make ` +
      `${profiles.length + vendos.length === 1 ? 'it' : 'them'} shared or tie ${profiles.length + vendos.length === 1 ? 'it' : 'them'} to another site` +
      `${profiles.length ? ', or archive the profile' + (profiles.length === 1 ? '' : 's') : ''}` +
      `${vendos.length ? ', or switch the vendo' + (vendos.length === 1 ? '' : 's') + ' off' : ''}.`,
    409,
  );
}

/** Subscribers (ended ones too: their history) stay tied to their site, so it stays. */
export const hasSubscribers = (name: string, n: number) =>
  new AppError(
    'SITE_HAS_OWN_ITEMS',
    `The site "${name}" has ${n} subscriber(s); they stay tied to it with their history, so it cannot be removed.`,
    409,
  );
