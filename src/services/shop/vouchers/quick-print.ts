/**
 * Quick print: a few cards of one profile made at the counter and sent straight to the thermal printer. The
 * vouchers are a real batch (generated, audited and sold like any other, marked "Quick print"), printed with the
 * owner's card design on its thermal roll (58 mm unless the design's paper is the 80 mm roll). Shared by the
 * dashboard and `pisonet vouchers print`.
 */
import { parseQuickCount, quickPrintPaper } from '../../../domain/cards';
import type { CardTemplateService } from '../card-templates';
import type { Actor, GenerateInput, VoucherView } from '../../types';

const QUICK_PRINT_NOTE = 'Quick print';

interface QuickPrintInput {
  profile: string;
  /** As typed; default 1, at most QUICK_PRINT_MAX. */
  count?: unknown;
  /** The site (id or name) the cards are for; default: the default site. */
  site?: string | number;
}

export async function quickPrint(
  deps: {
    /** The vouchers service's generate, or the terminal's (which also pushes to another site's router). */
    generate: (
      input: GenerateInput,
      actor: Actor,
    ) => Promise<{ batchId: number; vouchers: VoucherView[]; routerPending: number }>;
    cards: Pick<CardTemplateService, 'resolve'>;
  },
  input: QuickPrintInput,
  actor: Actor,
) {
  const count = parseQuickCount(input.count);
  const made = await deps.generate(
    {
      profile: input.profile,
      count,
      design: 'custom',
      note: QUICK_PRINT_NOTE,
      ...(input.site !== undefined && input.site !== '' ? { site: input.site } : {}),
    },
    actor,
  );
  const { template } = await deps.cards.resolve({ kind: 'batch', batchId: made.batchId });
  return {
    batchId: made.batchId,
    codes: made.vouchers.map((v) => v.code),
    paper: quickPrintPaper(template.paper),
    routerPending: made.routerPending,
  };
}
