/**
 * `pisonet radius freeradius-config`: writes the FreeRADIUS configuration directory for the shop's RADIUS sites
 * (src/radius/freeradius-config.ts), reading the same .env as the server (DATABASE_URL, CREDENTIALS_KEY). The files
 * hold the routers' secrets and the database password in clear, as FreeRADIUS needs them: they are written readable
 * by their owner only (0600, folders 0700). One line per file written; exit 0.
 */
import path from 'node:path';
import { AppError, ValidationError } from '../../src/domain/errors';
import { createLogger } from '../../src/lib/logger';
import { freeradiusDb, writeFreeradiusConfig } from '../../src/radius/write-config';
import { radiusClients } from '../../src/services/network/radius/clients';
import { openCredentialsBox } from '../../src/services/business/sites/credentials';
import { parseCommand, usageError, optionSpec } from '../lib/args';
import { CommandDef, parseWhole, print, printJson, withCore } from './shared';

const CONFIG = `Usage: pisonet radius freeradius-config --dir DIR [--auth-port N] [--acct-port M] [--address IP] [--json]

Writes a complete FreeRADIUS 3.2 configuration directory for this shop's RADIUS sites: every RADIUS site's
router a client (its address and secret), PAP against the vouchers in this shop's PostgreSQL database
(DATABASE_URL), accounting and every answer written there. Run it in the foreground with
  freeradius -f -d DIR        (add -X to see every packet)
Write it again after adding, editing or removing a RADIUS site, then restart FreeRADIUS. How to install it for
real (systemd, /etc/freeradius) and how to set up the router: docs/radius.md.

  --dir DIR          the folder to write (made if missing; files in it are replaced)
  --auth-port N      authentication port (default 1812)
  --acct-port M      accounting port (default 1813)
  --address IP       the address FreeRADIUS listens on (default: every address)
  --json             the files written as JSON

The files hold the routers' secrets and the database password: they are readable by their owner only. Run
FreeRADIUS as that user, or give the folder to the user it runs as (chown -R freerad:freerad DIR).`;

const portOf = (v: unknown, field: string, fallback: number): number =>
  typeof v === 'string' ? parseWhole(v, field, 'a UDP port', 1, 65535) : fallback;

const configCommand: CommandDef = {
  name: 'radius freeradius-config',
  summary: "write FreeRADIUS's configuration for the RADIUS sites",
  usage: CONFIG,
  async run(args) {
    const { values } = parseCommand(
      args,
      optionSpec(['dir', 'auth-port', 'acct-port', 'address'], ['json']),
      CONFIG,
    );
    if (typeof values.dir !== 'string' || values.dir.trim() === '')
      throw usageError('--dir is needed', CONFIG);
    const authPort = portOf(values['auth-port'], 'auth-port', 1812);
    const acctPort = portOf(values['acct-port'], 'acct-port', 1813);
    if (authPort === acctPort)
      throw new ValidationError('acct-port', 'must differ from the authentication port');
    const address = typeof values.address === 'string' ? values.address.trim() : '*';
    if (address !== '*' && !/^[\d.]+$|^[0-9a-f:]+$/i.test(address))
      throw ValidationError.invalid(
        'address',
        address,
        'an address to listen on',
        'use an IP address, or * for every one',
      );
    const dir = path.resolve(values.dir);
    return withCore(async (core) => {
      const db = core.config.database;
      if (db.engine !== 'postgres')
        throw new AppError(
          'RADIUS_NEEDS_POSTGRES',
          "RADIUS mode needs PostgreSQL: FreeRADIUS reads the vouchers from the shop's database and writes their accounting there. Set DATABASE_URL=postgres://… (docs/operations.md, Moving a shop to PostgreSQL).",
          409,
        );
      const box = openCredentialsBox(core.config, createLogger('silent'));
      const clients = await radiusClients(core.db, box);
      const written = writeFreeradiusConfig({
        dir,
        authPort,
        acctPort,
        listenAddress: address,
        db: freeradiusDb(db),
        clients,
      });
      if (values.json) printJson({ dir, files: written, clients: clients.map((c) => c.name) });
      else for (const f of written) print(`wrote ${f}`);
      return 0;
    });
  },
};

export const radiusCommands = [configCommand];
