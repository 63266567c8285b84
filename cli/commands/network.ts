/** Subcommands that act on devices and the router: users, bandwidth, queues, router test. */
import { toAppError, AppError } from '../../src/lib/errors';
import { normaliseMac, parseRate, formatRateHuman } from '../../src/domain/units';
import { RouterError } from '../../src/router/types';
import { out } from '../lib/ansi';
import { parseCommand, requireOption } from '../lib/args';
import { cliActor, requireRouter } from '../lib/context';
import { queuesTable, routerInfoText, trafficTable, usersTable } from '../lib/render';
import { CommandDef, print, printJson, withCore } from './shared';

const USERS_LIST = `Usage: pisonet users list [--json]

Devices using a voucher now, with their traffic, speed and time left.`;

const usersList: CommandDef = {
  name: 'users list',
  summary: 'active users with traffic',
  usage: USERS_LIST,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, USERS_LIST, { min: 0, max: 0 });
    return withCore(async (core) => {
      await requireRouter(core);
      const users = await core.services.bandwidth.users();
      if (values.json) printJson({ users });
      else print(usersTable(users));
      return 0;
    });
  },
};

const USERS_KICK = `Usage: pisonet users kick MAC

Logs the device out of the hotspot. Its voucher stays usable (the customer can log in again).`;

const usersKick: CommandDef = {
  name: 'users kick',
  summary: 'log a device out (voucher stays usable)',
  usage: USERS_KICK,
  async run(args) {
    const { positionals } = parseCommand(args, {}, USERS_KICK, { min: 1, max: 1 });
    const mac = normaliseMac(positionals[0], 'mac');
    return withCore(async (core) => {
      await requireRouter(core);
      await core.services.bandwidth.kick(mac, cliActor());
      print(out.green(`Logged out ${mac}.`));
      return 0;
    });
  },
};

const BW_SET = `Usage: pisonet bandwidth set MAC --up RATE --down RATE

Overrides the speed of the device's voucher until removed or the voucher ends. RATE in bits per
second like 512K, 1M, 1.5M or 2G. The router changes at once.`;

const bwSet: CommandDef = {
  name: 'bandwidth set',
  summary: 'set a bandwidth limit for a device',
  usage: BW_SET,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { up: { type: 'string' }, down: { type: 'string' } },
      BW_SET,
      { min: 1, max: 1 },
    );
    const mac = normaliseMac(positionals[0], 'mac');
    const up = parseRate(requireOption(values, 'up', BW_SET), 'up');
    const down = parseRate(requireOption(values, 'down', BW_SET), 'down');
    return withCore(async (core) => {
      await requireRouter(core);
      await core.services.bandwidth.setLimit(mac, up, down, cliActor());
      print(out.green(`Limit for ${mac}: ${formatRateHuman(up)} up / ${formatRateHuman(down)} down.`));
      return 0;
    });
  },
};

const BW_REMOVE = `Usage: pisonet bandwidth remove MAC

Removes an admin speed override: the device goes back to its voucher's profile speed.`;

const bwRemove: CommandDef = {
  name: 'bandwidth remove',
  summary: 'remove a bandwidth limit (back to the profile speed)',
  usage: BW_REMOVE,
  async run(args) {
    const { positionals } = parseCommand(args, {}, BW_REMOVE, { min: 1, max: 1 });
    const mac = normaliseMac(positionals[0], 'mac');
    return withCore(async (core) => {
      await requireRouter(core);
      await core.services.bandwidth.removeLimit(mac, cliActor());
      print(out.green(`Limit removed for ${mac}; back to the profile speed.`));
      return 0;
    });
  },
};

const BW_USERS = `Usage: pisonet bandwidth users [--json]

Traffic per device: MAC, IP, voucher, totals, limit (* = admin override) and live rate.`;

const bwUsers: CommandDef = {
  ...usersList,
  name: 'bandwidth users',
  summary: 'traffic stats per device',
  usage: BW_USERS,
};
bwUsers.run = async (args) => {
  const { values } = parseCommand(args, { json: { type: 'boolean' } }, BW_USERS, { min: 0, max: 0 });
  return withCore(async (core) => {
    await requireRouter(core);
    const users = await core.services.bandwidth.users();
    if (values.json) printJson({ users });
    else print(trafficTable(users));
    return 0;
  });
};

const QUEUES = `Usage: pisonet queues list [--json]

All pisonet- simple queues configured on the router.`;

const queuesList: CommandDef = {
  name: 'queues list',
  summary: 'queues on the router',
  usage: QUEUES,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, QUEUES, { min: 0, max: 0 });
    return withCore(async (core) => {
      await requireRouter(core);
      const queues = await core.services.bandwidth.queues();
      if (values.json) printJson({ queues });
      else print(queuesTable(queues));
      return 0;
    });
  },
};

const ROUTER_TEST = `Usage: pisonet router test [--json]

Connects to the router and shows identity, version, uptime and the round-trip time.
Exit code 1 when the router cannot be reached.`;

const routerTest: CommandDef = {
  name: 'router test',
  summary: 'test the router connection',
  usage: ROUTER_TEST,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, ROUTER_TEST, { min: 0, max: 0 });
    return withCore(async (core) => {
      const info = await core.services.routerInfo.test();
      if (values.json) printJson(info);
      else print(routerInfoText(info));
      if (!info.error) return 0;
      const status = core.router.status;
      if (status.connected)
        throw new AppError('ROUTER_ERROR', `The router answered with an error: ${info.error}`, 502);
      throw toAppError(
        new RouterError(
          status.lastErrorCode === 'ROUTER_LOGIN_FAILED' ? 'ROUTER_LOGIN_FAILED' : 'ROUTER_UNREACHABLE',
          info.error,
        ),
      );
    });
  },
};

export const networkCommands = [usersList, usersKick, bwUsers, bwSet, bwRemove, queuesList, routerTest];
