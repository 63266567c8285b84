import { LIST_STATUSES, type VoucherListStatus } from '../../src/domain/vouchers';
import { writeOperatorFile } from '../lib/files';
import { confirmed } from '../lib/ask';
import { parseCardDesign } from '../../src/domain/cards';
import { MAX_BATCH } from '../../src/domain/codes';
import { ValidationError } from '../../src/domain/errors';
import { formatMoney } from '../../src/domain/units';
import type { VoucherFilter } from '../../src/services/types';
import { out } from '../lib/ansi';
import { givenOptions, parseCommand, requireOption, usageError, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { describePlaces, generateOnSites } from '../lib/site-batch';
import { siteOfVoucher, withSiteRouter } from '../lib/site-router';
import { vouchersTable } from '../lib/render';
import { voucherDetail } from '../lib/voucher-detail';
import { batchJson, voucherDetailJson, voucherJson } from '../../src/services/shop/vouchers/json';
import { CommandDef, parseConfirmable, parseWhole, print, printJson, siteOption, withCore } from './shared';
import { vouchersOverage } from './vouchers-overage';
import { CODE_STYLE_OPTIONS } from './code-style';

function parseStatus(value: string): VoucherListStatus {
  const s = value.trim().toLowerCase() as VoucherListStatus;
  if (!LIST_STATUSES.includes(s))
    throw ValidationError.invalid(
      'status',
      value,
      'a voucher status',
      `use one of ${LIST_STATUSES.join(', ')}`,
    );
  return s;
}

const GENERATE = `Usage: pisonet vouchers generate --profile NAME --count N [--prefix X] [--staff]
                                 [--alphabet digits|lowercase|uppercase] [--length N]
                                 [--password-alphabet same|digits|lowercase|uppercase] [--password-length N]
                                 [--design custom|compact|logo] [--site SITE | --roaming] [--json | --csv]

Creates a batch of vouchers (saved first, then pushed to the router; vouchers the router could not
take yet are pushed later by the server). Prints the codes (and their passwords); --csv prints the batch
as CSV.
The code style is the shop's (pisonet settings code-style) unless given: --alphabet, --length (random
characters after the prefix), --password-alphabet (same: the password is the code; else a separate
password of --password-length characters, printed on the card and asked for by the portal and the
router). A style too easy to guess is refused, saying why (SECURITY.md: 8 letters or 12 digits at least).
--staff makes staff/developer codes: no time limit, still at the profile's speed, price 0.
--design sets how the batch's printed cards look: custom (default) is the owner's card design (\`pisonet
cards show\`); compact and logo are the fixed designs (logo adds the shop's logo).
--site makes them for another site's router (its id or name; default: default): the terminal connects to
that router and adds them there at once. --roaming makes them valid on every site, once: they are added to
every router that can be reached. A router that is down or in safe mode loses nothing: the codes are saved,
the output says which site gets them at the server's next poll, and the exit code is 0.`;

/**
 * The options passed on as typed, under the service's names: the code style's (checked on top of the
 * shop's, and the floor) and the site.
 */
const AS_TYPED = { ...CODE_STYLE_OPTIONS, site: 'site' };

const generate: CommandDef = {
  name: 'vouchers generate',
  summary: 'create a batch of vouchers',
  usage: GENERATE,
  async run(args) {
    const { values } = parseCommand(
      args,
      optionSpec(
        [...Object.values(AS_TYPED), 'profile', 'count', 'design'],
        ['staff', 'roaming', 'json', 'csv'],
      ),
      GENERATE,
    );
    if (values.json && values.csv) throw usageError('choose one of --json and --csv', GENERATE);
    if (values.site !== undefined && values.roaming)
      throw usageError('choose one of --site and --roaming (a roaming batch is for every site)', GENERATE);
    const profile = requireOption(values, 'profile', GENERATE);
    const count = parseWhole(requireOption(values, 'count', GENERATE), 'count', 'a batch size', 1, MAX_BATCH);
    const design = parseCardDesign(values.design);
    return withCore(async (core) => {
      // Saved, then pushed onto its router(s): a branch's connected to for it, every one for a roaming batch.
      const res = await generateOnSites(
        core,
        {
          profile,
          count,
          ...givenOptions(values, AS_TYPED),
          ...(values.staff ? { staff: true } : {}),
          ...(design ? { design } : {}),
          ...(values.roaming ? { roaming: true } : {}),
        },
        cliActor(),
      );
      if (values.json)
        printJson(
          {
            ...batchJson(res),
            count: res.vouchers.length,
            sites: res.places.map((p) => ({
              id: p.site.id,
              name: p.site.name,
              state: p.state,
              pending: p.pending,
            })),
          },
          { api: true },
        );
      else if (values.csv) process.stdout.write(await core.services.vouchers.csv({ batchId: res.batchId }));
      else {
        print(vouchersTable(res.vouchers));
        const where = res.roaming
          ? ', roaming (every site)'
          : res.site?.id !== 1
            ? ` for ${res.site?.name}`
            : '';
        print(
          out.green(
            `Batch #${res.batchId}: ${res.vouchers.length} ${res.vouchers[0]?.profile ?? profile} voucher(s) at ${formatMoney(res.vouchers[0]?.price ?? 0)} each${where}.`,
          ),
        );
        for (const line of describePlaces(res, (await core.services.sites.names()).length > 1))
          print(line.warn ? out.yellow(line.text) : out.green(line.text));
      }
      return 0;
    });
  },
};

const LIST = `Usage: pisonet vouchers list [--status S] [--profile NAME] [--search TEXT] [--batch ID] [--site SITE]
                             [--limit N] [--json]

Lists vouchers, newest first (default limit 50). S is one of ${LIST_STATUSES.join(', ')}: unused is the
cards still for sale, queued the unused codes a customer keeps for their device (sold, they start after
the code running there).
--site: one site's vouchers (its id or name, as in \`pisonet sites list\`).`;

function listFilter(values: Record<string, string | boolean | undefined>): VoucherFilter {
  const f: VoucherFilter = { limit: 50 };
  if (typeof values.status === 'string') f.status = parseStatus(values.status);
  if (typeof values.profile === 'string') f.profile = values.profile;
  if (typeof values.search === 'string') f.search = values.search;
  if (typeof values.batch === 'string')
    f.batchId = parseWhole(values.batch, 'batch', 'a batch number', 1, Number.MAX_SAFE_INTEGER);
  if (typeof values.limit === 'string') f.limit = parseWhole(values.limit, 'limit', 'a list size', 1, 100000);
  return f;
}

const list: CommandDef = {
  name: 'vouchers list',
  summary: 'list or search vouchers',
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(
      args,
      optionSpec(['status', 'profile', 'search', 'batch', 'site', 'limit'], ['json']),
      LIST,
    );
    const filter = listFilter(values);
    return withCore(async (core) => {
      const res = await core.services.vouchers.list({ ...filter, siteId: await siteOption(core, values) });
      if (values.json)
        printJson({ total: res.total, vouchers: res.vouchers.map(voucherJson) }, { api: true });
      else {
        print(vouchersTable(res.vouchers));
        if (res.total > res.vouchers.length)
          print(
            out.dim(`Showing ${res.vouchers.length} of ${res.total}; use --limit or --status to see more.`),
          );
      }
      return 0;
    });
  },
};

const SHOW = `Usage: pisonet vouchers show CODE [--json]

Shows one voucher: state, usage, times and the device(s) using it.`;

const show: CommandDef = {
  name: 'vouchers show',
  summary: 'show one voucher (state, usage, device)',
  usage: SHOW,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, SHOW, 1);
    return withCore(async (core) => {
      const v = await core.services.vouchers.get(positionals[0]);
      if (values.json) printJson({ voucher: voucherDetailJson(v) }, { api: true });
      else print(voucherDetail(v, core.config.tz));
      return 0;
    });
  },
};

const REVOKE = `Usage: pisonet vouchers revoke CODE [--yes] [--json]

Logs the voucher's device(s) out and disables the voucher for good, on the router of the voucher's site
(a branch's router is connected to for it; if it cannot be reached, nothing changes). Asks first unless
--yes (without a terminal, --yes is required).`;

const revoke: CommandDef = {
  name: 'vouchers revoke',
  summary: 'disable a voucher and log its devices out',
  usage: REVOKE,
  async run(args) {
    const { values, positionals } = parseConfirmable(args, REVOKE, 'revoke');
    return withCore(async (core) => {
      const v0 = await core.services.vouchers.get(positionals[0]);
      if (
        !values.yes &&
        !(await confirmed(`Revoke ${v0.code} (${v0.profile}, ${v0.status})? This cannot be undone.`))
      )
        return 1;
      // On the router of the voucher's site (the terminal connects to a branch's router for it).
      const v = await withSiteRouter(core, await siteOfVoucher(core, v0.code), (s) =>
        s.vouchers.revoke(v0.code, cliActor()),
      );
      if (values.json) printJson({ voucher: voucherJson(v) }, { api: true });
      else print(out.green(`Voucher ${v.code} revoked.`));
      return 0;
    });
  },
};

const EXPORT = `Usage: pisonet vouchers export [--status S] [--profile NAME] [--batch ID] [--site SITE] [--out FILE]

Writes vouchers as CSV (the same file the web admin exports) to FILE, or to standard output.
--site: one site's vouchers (its id or name).`;

const exportCsv: CommandDef = {
  name: 'vouchers export',
  summary: 'export vouchers as CSV',
  usage: EXPORT,
  async run(args) {
    const { values } = parseCommand(
      args,
      {
        ...optionSpec(['status', 'profile', 'batch', 'site']),
        out: { type: 'string', short: 'o' },
      },
      EXPORT,
    );
    const filter = { ...listFilter(values), limit: undefined };
    return withCore(async (core) => {
      const csv = await core.services.vouchers.csv({ ...filter, siteId: await siteOption(core, values) });
      if (typeof values.out === 'string') {
        writeOperatorFile(values.out, csv);
        print(out.green(`Wrote ${values.out}`));
      } else process.stdout.write(csv);
      return 0;
    });
  },
};

export const voucherCommands = [generate, list, show, revoke, vouchersOverage, exportCsv];
