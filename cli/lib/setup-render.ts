/** The router setup's items as the terminal prints them (`router setup`, the menu's Router → Setup). */
import type { SetupChange, SetupItemView } from '../../src/services/network/router-setup';
import { out } from './ansi';

const STATE_COLOUR = { ok: out.green, missing: out.yellow, wrong: out.red };

/** One change `--apply` (or the menu's fix) made, or the router refused. */
export const setupChangeText = (c: SetupChange): string =>
  c.ok
    ? `${out.green('changed')} ${c.item}: ${c.command}`
    : `${out.red('refused')} ${c.item}: ${c.command}\n        the router said: ${c.error}`;

export function setupItemsText(items: SetupItemView[]): string {
  return items
    .map((i) => {
      const head = `${STATE_COLOUR[i.state](i.state.padEnd(7))} ${i.id.padEnd(15)} ${i.detail}`;
      return i.fix
        ? `${head}\n${i.fix
            .split('\n')
            .map((l) => `        ${out.cyan(l)}`)
            .join('\n')}`
        : head;
    })
    .join('\n');
}
