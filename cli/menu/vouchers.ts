import fs from 'node:fs';
import { writeOperatorFile } from '../lib/files';
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { MAX_BATCH } from '../../src/domain/codes';
import { formatMoney } from '../../src/domain/units';
import type { GenerateInput, VoucherStatus } from '../../src/services/types';
import { describeStyle } from '../../src/domain/code-style';
import { storedCodeStyle } from '../../src/services/shop/vouchers/code-style';
import { askCodeStyle, askPrefix, sayStyle } from './code-style';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { describePlaces, generateOnSites } from '../lib/site-batch';
import { formatDate } from '../lib/dates';
import { vouchersTable } from '../lib/render';
import { voucherDetail } from '../lib/voucher-detail';
import { siteOfVoucher, voucherSiteLabels, withSiteRouter } from '../lib/site-router';
import { renderSheetToFile, sheetNotes } from '../lib/sheet';
import { SHEET_LAYOUT_LABELS, SHEET_LAYOUTS, type SheetLayout } from '../../src/domain/cards';
import { parseWhole } from '../commands/shared';
import { LIST_STATUSES } from '../../src/domain/vouchers';
import { ask, askCode, confirmAction, confirmed, menuLoop, required, say } from './prompts';
import { extendTime, sellExtraData } from './counter';

const SHOWN = 20;

/**
 * A profile to sell; `siteId`: only those sold there (a site's id: the shared ones and its own; null, for a
 * roaming batch: the shared ones).
 */
async function pickProfile(core: Core, siteId?: number | null): Promise<string> {
  const profiles = await core.services.profiles.list(siteId === undefined ? {} : { siteId });
  if (profiles.length === 0)
    throw new Error(
      siteId === undefined
        ? 'no profiles yet: create one under Profiles first'
        : 'no profile is sold there: create one under Profiles first (for all sites or for that site)',
    );
  return select({
    message: 'Profile:',
    choices: profiles.map((p) => ({
      name: `${p.name}  ${formatMoney(p.price)}${p.site ? `  (${p.site.name} only)` : ''}`,
      value: p.name,
    })),
  });
}

async function pickStatus(): Promise<VoucherStatus | undefined> {
  const s = await select<string>({
    message: 'Status:',
    choices: [{ name: 'any', value: '' }, ...LIST_STATUSES.map((s) => ({ name: s, value: s }))],
  });
  return s === '' ? undefined : (s as VoucherStatus);
}

/** Where a batch's codes are: one site (its id and name) or roaming (every site until first used). */
type BatchPlace = { id: number; name: string } | 'roaming';

/** With several sites: which router the codes are for (default first, then the others, then roaming). */
async function pickPlace(core: Core): Promise<BatchPlace | undefined> {
  const sites = await core.services.sites.names();
  if (sites.length <= 1) return undefined;
  return select<BatchPlace>({
    message: 'For which site?',
    choices: [
      ...sites.map((x) => ({ name: x.name, value: x })),
      { name: 'Roaming: every site (the first use decides)', value: 'roaming' as const },
    ],
  });
}

/** The shop's code style (its figures shown, the prefix asked as before), or another for this batch. */
async function batchStyle(core: Core): Promise<Partial<GenerateInput>> {
  const shop = await storedCodeStyle(core.services.settings);
  sayStyle(shop, "The shop's codes");
  const choice = await select({
    message: 'Code style:',
    choices: [
      { name: `The shop's: ${describeStyle(shop)}`, value: 'shop' },
      { name: 'Another for this batch', value: 'other' },
    ],
  });
  if (choice === 'shop') {
    return { prefix: await askPrefix(shop.alphabet, shop.prefix) };
  }
  const s = await askCodeStyle(core, shop);
  return {
    alphabet: s.alphabet,
    length: s.length,
    prefix: s.prefix,
    passwordAlphabet: s.password?.alphabet ?? 'same',
    ...(s.password ? { passwordLength: s.password.length } : {}),
  };
}

async function generate(core: Core): Promise<void> {
  const place = await pickPlace(core);
  const profile = await pickProfile(
    core,
    place === undefined ? undefined : place === 'roaming' ? null : place.id,
  );
  const count = await ask(
    `How many? (1-${MAX_BATCH})`,
    (v) => parseWhole(v, 'count', 'a batch size', 1, MAX_BATCH),
    { default: '10' },
  );
  const style = await batchStyle(core);
  // Saved, then put on its router(s): a branch's connected to for it, every one for a roaming batch.
  const res = await generateOnSites(
    core,
    {
      profile,
      count,
      ...style,
      ...(place === undefined ? {} : place === 'roaming' ? { roaming: true } : { site: place.id }),
    },
    cliActor(),
    {
      connecting: (sites) =>
        say(
          out.dim(
            `Saved. Adding the codes to ${sites.map((x) => `${x.name}'s`).join(', ')} router${sites.length > 1 ? 's' : ''}…`,
          ),
        ),
    },
  );
  say(vouchersTable(res.vouchers.slice(0, SHOWN)));
  if (res.vouchers.length > SHOWN)
    say(out.dim(`… and ${res.vouchers.length - SHOWN} more (export the batch as CSV or print a sheet).`));
  const where =
    place === undefined ? '' : place === 'roaming' ? ', roaming (every site)' : ` for ${place.name}`;
  say(out.green(`Batch #${res.batchId}: ${res.vouchers.length} ${profile} voucher(s) generated${where}.`));
  for (const line of describePlaces(res, place !== undefined))
    say(line.warn ? out.yellow(line.text) : out.green(line.text));
  if (place === 'roaming')
    say(out.dim('Roaming codes work on every site until first used; the first use decides the site.'));
}

async function list(core: Core): Promise<void> {
  const search = await ask('Search code (Enter for all):', (v) => v.trim());
  const status = await pickStatus();
  const res = await core.services.vouchers.list({ search: search || undefined, status, limit: 50 });
  // With several sites, where each code is (its site, or roaming).
  const sites = await voucherSiteLabels(
    core,
    res.vouchers.map((v) => v.code),
  );
  say(vouchersTable(res.vouchers, undefined, sites));
  if (res.total > res.vouchers.length) say(out.dim(`Showing ${res.vouchers.length} of ${res.total}.`));
}

async function show(core: Core): Promise<void> {
  say(voucherDetail(await core.services.vouchers.get(await askCode()), core.config.tz));
}

async function revoke(core: Core): Promise<void> {
  const v = await core.services.vouchers.get(await askCode());
  say(voucherDetail(v, core.config.tz));
  if (
    !(await confirmed(`Revoke ${v.code}? Its device is logged out and the voucher stops working for good.`))
  )
    return;
  // On the router of the voucher's site (the terminal connects to a branch's router for it).
  await withSiteRouter(core, await siteOfVoucher(core, v.code), (s) => s.vouchers.revoke(v.code, cliActor()));
  say(out.green(`Voucher ${v.code} revoked.`));
}

/** A file to write to: asked (`def` offered); one that exists only when the operator says to overwrite it. */
async function askFile(message: string, def: string): Promise<string | undefined> {
  const file = await ask(message, required('a file path'), { default: def });
  return fs.existsSync(file) && !(await confirmAction(`${file} exists. Overwrite it?`)) ? undefined : file;
}

async function exportCsv(core: Core): Promise<void> {
  const status = await pickStatus();
  const file = await askFile(
    'Save CSV to:',
    `vouchers-${status ?? 'all'}-${formatDate(core.clock.now(), core.config.tz)}.csv`,
  );
  if (!file) return;
  writeOperatorFile(file, await core.services.vouchers.csv({ status }), 'file');
  say(out.green(`Wrote ${file}`));
}

async function printSheet(core: Core): Promise<void> {
  const batches = await core.services.vouchers.batches(15);
  if (batches.length === 0) {
    say(out.dim('No batches yet: generate vouchers first.'));
    return;
  }
  const id = await select({
    message: 'Batch:',
    choices: batches.map((b) => ({
      name: `#${b.id}  ${b.profile}  ${b.count} vouchers (${b.unused} unused)  ${formatDate(b.createdAt, core.config.tz)}`,
      value: b.id,
    })),
    pageSize: 10,
  });
  const layout = await select<SheetLayout>({
    message: 'Paper:',
    choices: SHEET_LAYOUTS.map((l) => ({ name: SHEET_LAYOUT_LABELS[l], value: l })),
  });
  const file = await askFile('Save the printable sheet (HTML) to:', `vouchers-batch-${id}.html`);
  if (!file) return;
  const res = await renderSheetToFile(core, id, file, { layout });
  say(out.green(`Wrote ${file} (${res.cards} unused codes): open it in a browser and print.`));
  const next = `npm run cli -- vouchers sheet --batch ${id} --format ${layout} --out FILE`;
  for (const note of sheetNotes(res, next)) say(out.yellow(note));
}

export function vouchersMenu(core: Core): Promise<void> {
  return menuLoop('Vouchers', [
    { key: '1', name: 'Generate a batch', run: () => generate(core) },
    { key: '2', name: 'List / search', run: () => list(core) },
    { key: '3', name: 'Show one voucher', run: () => show(core) },
    { key: '4', name: 'Revoke a voucher', run: () => revoke(core) },
    { key: '5', name: 'Export CSV to a file', run: () => exportCsv(core) },
    { key: '6', name: 'Print sheet to a file (HTML)', run: () => printSheet(core) },
    { key: '7', name: 'Extend time (sell time)', run: () => extendTime(core) },
    { key: '8', name: 'Sell extra data', run: () => sellExtraData(core) },
  ]);
}
