/**
 * What every page must pass in a real browser (test/web/responsive.test.ts): no sideways scrolling on a
 * phone, no serious or critical axe-core violations, tap targets of at least 44 px, and a screenshot of each.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { saveScreenshot } from '../helpers/screenshots';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screens');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The browser globals the page functions below touch (the tests compile without the DOM library). */
type El = {
  tagName: string;
  id: string;
  className: string;
  textContent: string | null;
  getAttribute(n: string): string | null;
  getBoundingClientRect(): { width: number; height: number; top: number; left: number; right: number };
  closest(sel: string): El | null;
  checkVisibility?(): boolean;
};
type Win = {
  innerWidth: number;
  document: { documentElement: { scrollWidth: number }; querySelectorAll(sel: string): El[] };
  axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
};
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Horizontal overflow of the whole page, in CSS pixels (0 = none). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as Win;
    return Math.max(0, w.document.documentElement.scrollWidth - w.innerWidth);
  });
}

/** Serious and critical axe-core violations on the page as it is now. */
export async function axeProblems(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(
    () => typeof (globalThis as unknown as { axe?: unknown }).axe !== 'undefined',
  );
  // Evaluated, not added as a <script>: the pages' CSP allows no inline scripts, and should not for a test.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const w = globalThis as unknown as Win;
    const r = await w.axe.run(w.document, { resultTypes: ['violations'] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Visible elements matching `selector` shorter (or narrower) than 44 px, as `tag#id.class "text" WxH`.
 * Inline links inside running text are not targets of their own (WCAG 2.5.5's "inline" exception) and are
 * not asked for.
 */
export async function smallTargets(page: Page, selector: string, min = 44): Promise<string[]> {
  return page.evaluate(
    ({ selector, min }) => {
      const w = globalThis as unknown as Win;
      const out: string[] = [];
      for (const el of Array.from(w.document.querySelectorAll(selector))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (el.checkVisibility && !el.checkVisibility()) continue;
        if (r.height < min - 0.5 || r.width < min - 0.5) {
          const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${String(el.className).replace(/\s+/g, '.')}`;
          out.push(
            `${name} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`,
          );
        }
      }
      return out;
    },
    { selector, min },
  );
}

/** The targets a person taps on a phone: buttons, the menu, links that stand alone, checkbox labels. */
export const PHONE_TARGETS = [
  '.button',
  'button',
  '.menu-button',
  '.mainnav a',
  '.cards td a',
  '.table td a',
  '.field-check label',
  '.pager a',
  '.tabs a',
  '.crumbs a',
  'select',
  'input:not([type=hidden]):not([type=checkbox])',
  '.links a',
  '.bar .lang',
].join(', ');

/** The main actions at any width: buttons, the sections and form controls. */
export const MAIN_TARGETS = [
  '.button:not(.small)',
  'button:not(.small):not(.link-button)',
  '.mainnav a',
  'select',
  'input:not([type=hidden]):not([type=checkbox])',
].join(', ');

/** A full-page screenshot under test-output/screens/, when screenshots are asked for (helpers/screenshots.ts). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SHOTS, `${name}.png`);
  await saveScreenshot(page, { path: file, fullPage: true });
  return file;
}
