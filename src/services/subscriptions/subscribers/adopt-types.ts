/** What adopting a site's own PPP secrets is, for the faces and the composition (adopt.ts does it). */
import type { RouterAddressing } from '../../../domain/ip-pool';
import type { PppSecretHave } from '../../../domain/ppp-plan';
import type { AdoptChange } from '../../../domain/ppp-adopt';
import type { Actor } from '../../business/audit/actor';
import type { ShopDeps, SiteRef } from '../../deps';
import type { ProfileService } from '../../shop/profiles/types';
import type { SubscriberService } from './types';

/** A site's PPP as adopting needs it, from its PPP room: what is held there now, and a check bringing it in line. */
export interface SitePpp {
  /** Every PPP secret (with its password), each running session's address and its queue's max-limit. */
  held(): Promise<{
    secrets: PppSecretHave[];
    sessions: Array<{ name: string; address: string | null; maxLimit: string | null }>;
  }>;
  /** The router's pools, own addresses and secrets' fixed addresses (a secret's own address is checked on them). */
  addressing(): Promise<RouterAddressing>;
  /** The PPP room's check now; absent where this process has no PPP room for the site (the server's does it). */
  check?(): Promise<{ failed: number }>;
}

export interface AdoptDeps extends Pick<ShopDeps, 'db' | 'audit'> {
  subscribers: Pick<SubscriberService, 'create' | 'checkNew'>;
  profiles: Pick<ProfileService, 'get'>;
  /** The site's PPP (503 SITE_UNREACHABLE when this process cannot reach its router now). */
  sitePpp(site: SiteRef): Promise<SitePpp>;
}

export interface AdoptableSecret {
  name: string;
  profile: string;
  service: string;
  disabled: boolean;
  comment: string;
  online: boolean;
  address: string | null;
  /** Its own fixed address (`remote-address`), or null. */
  remoteAddress: string | null;
  /** The account of a subscriber of ours (ended ones too) already using this name (adopting it is refused), or null. */
  takenBy: string | null;
  /** Why it can never be adopted as the router has it (its name or password: the router must change first), or null. */
  cannotAdopt: string | null;
}

export interface AdoptResult {
  site: SiteRef;
  dryRun: boolean;
  /** Per secret, what changes on the router (and, adopted, the subscriber it became). */
  secrets: Array<AdoptChange & { subscriber?: { id: number; accountNo: string } }>;
  /** Adopted: whether the PPP check made the secrets ours before the answer (`pending`: its next run does). */
  applied: 'unchanged' | 'done' | 'pending';
}

export interface SubscriberAdopt {
  adoptable(site: unknown): Promise<{ site: SiteRef; secrets: AdoptableSecret[] }>;
  adopt(body: unknown, actor: Actor): Promise<AdoptResult>;
}
