/**
 * The card designs' contract (index.ts): the shop's, a profile's or a batch's printed card.
 */
import type { CardTemplate } from '../../../domain/card-template';
import type { CardDesign } from '../../../domain/cards';
import type { Actor } from '../../business/audit/actor';

/** Whose design: the shop's, a profile's (by name) or one batch's. */
export type TemplateScope =
  { kind: 'shop' } | { kind: 'profile'; profile: string } | { kind: 'batch'; batchId: number };

/** Where a card's design came from: its batch's own, its profile's, the shop's, the default, or a fixed design. */
export type TemplateSource = 'batch' | 'profile' | 'shop' | 'default' | 'preset';

export interface ResolvedTemplate {
  template: CardTemplate;
  from: TemplateSource;
  /** The profile the scope belongs to (a profile's or a batch's scope). */
  profile?: string;
}

export interface CardTemplateOverview {
  shop: boolean;
  /** Profiles and batches with a design of their own. */
  profiles: string[];
  batches: number[];
}

export interface CardTemplateService {
  /** The scope's own saved design, or null when it prints with the one above it. */
  own(scope: TemplateScope): Promise<CardTemplate | null>;
  /** The design cards of this scope print with under the `custom` design. */
  resolve(scope: TemplateScope): Promise<ResolvedTemplate>;
  /** A batch's cards under `design`: the owner's (resolve) for `custom`, else that fixed design. */
  forBatch(batchId: number, design: CardDesign): Promise<ResolvedTemplate>;
  /** Checks a design as the editor sent it (keys left out: the scope's current values), without saving it. */
  check(scope: TemplateScope, input: unknown): Promise<CardTemplate>;
  /** Checks and saves the scope's own design; a batch's then prints with it (its design becomes `custom`). */
  save(scope: TemplateScope, input: unknown, actor: Actor): Promise<CardTemplate>;
  /** Forgets the scope's own design (a profile's or a batch's then follows the shop's); false if it had none. */
  remove(scope: TemplateScope, actor: Actor): Promise<boolean>;
  overview(): Promise<CardTemplateOverview>;
}
