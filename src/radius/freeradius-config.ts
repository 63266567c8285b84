/**
 * A complete FreeRADIUS 3.2 configuration directory for the shop's RADIUS sites (docs/radius.md): every RADIUS-mode
 * site a client (its router's address and secret), PAP against the codes in the product's PostgreSQL database
 * (`radcheck`/`radreply`/`radusergroup`, whose content the product owns), accounting into `radacct` and every
 * answer into `radpostauth`. `freeradius -f -d DIR` runs it in the foreground, as root or any user (no
 * `user`/`group` lines: it keeps the user it was started as).
 *
 * Pure: the files as text; the CLI writes them (mode 0600, the secrets and the database password are in clear,
 * as FreeRADIUS needs them). The database password is in `pgpass` only, named by the connection string's
 * `passfile`: FreeRADIUS logs the connection string at every start ("Attempting to connect to database"), so the
 * password must not be in it. Accounting is one upsert per packet with the octet totals only ever growing, so a
 * duplicated or late Interim-Update never takes bytes back and a Stop without a Start still makes its row; the
 * Gigawords are folded in (totals past 4 GiB).
 */
import { type FreeRadiusDb, pgpass, queriesConf, quoted, sqlModule } from './freeradius-sql';

export interface FreeRadiusClient {
  /** The site's name (a FreeRADIUS client's short name). */
  name: string;
  /** The router's address as FreeRADIUS sees its packets come from. */
  address: string;
  secret: string;
}

export interface FreeRadiusConfigInput {
  /** The directory the files are for (absolute): radiusd.conf names its own folders from it. */
  dir: string;
  authPort: number;
  acctPort: number;
  /** The address FreeRADIUS listens on: `*` (every one) or an address. */
  listenAddress: string;
  db: FreeRadiusDb;
  clients: readonly FreeRadiusClient[];
}

interface ConfigFile {
  /** Relative to the directory. */
  path: string;
  content: string;
}

/** The libdir of Debian's freeradius package (its modules). */
const LIBDIR = '/usr/lib/freeradius';

/** A client's name as a FreeRADIUS section name: letters, digits, - and _. */
function clientName(name: string, i: number): string {
  return `site-${i + 1}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function radiusdConf(c: FreeRadiusConfigInput): string {
  return `# FreeRADIUS for PisoNet Manager's RADIUS sites. Written by \`pisonet radius freeradius-config\`:
# write it again after adding, editing or removing a RADIUS site (docs/radius.md).
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
confdir = ${quoted(c.dir)}
raddbdir = \${confdir}
logdir = \${confdir}/log
radacctdir = \${logdir}/radacct
modconfdir = \${confdir}/mods-config
certdir = \${confdir}/certs
cadir = \${confdir}/certs
run_dir = \${confdir}/run
db_dir = \${confdir}
libdir = ${LIBDIR}
name = freeradius
pidfile = \${run_dir}/freeradius.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 16384
hostname_lookups = no

log {
	destination = files
	colourise = no
	file = \${logdir}/radius.log
	syslog_facility = daemon
	stripped_names = no
	auth = yes
	auth_badpass = no
	auth_goodpass = no
}

security {
	allow_core_dumps = no
	max_attributes = 200
	# A refusal is answered at once: a router waits 300 ms by default (/radius timeout) and would show a delayed
	# one as "RADIUS server is not responding" instead of why. Codes are long enough that guessing them one
	# login at a time is hopeless; the portal has its own limits.
	reject_delay = 0
	status_server = yes
}

proxy_requests = no

$INCLUDE \${confdir}/clients.conf

thread pool {
	start_servers = 5
	max_servers = 32
	min_spare_servers = 3
	max_spare_servers = 10
	max_requests_per_server = 0
	auto_limit_acct = no
}

modules {
	$INCLUDE \${confdir}/mods-enabled/
}

instantiate {
}

policy {
}

$INCLUDE \${confdir}/sites-enabled/
`;
}

function clientsConf(c: FreeRadiusConfigInput): string {
  const blocks = c.clients.map(
    (cl, i) => `# Site ${cl.name}
client ${clientName(cl.name, i)} {
	ipaddr = ${cl.address}
	secret = ${quoted(cl.secret)}
	shortname = ${quoted(cl.name)}
	nas_type = other
	# RouterOS 7.15+ signs its requests (require-message-auth); an unsigned Access-Request is dropped.
	require_message_authenticator = yes
}
`,
  );
  return `# The routers of PisoNet Manager's RADIUS sites, one client each.\n\n${blocks.join('\n') || '# No RADIUS site yet.\n'}`;
}

function siteConf(c: FreeRadiusConfigInput): string {
  return `# PisoNet Manager: vouchers by PAP from the product's database, accounting into radacct.
server pisonet {
	listen {
		type = auth
		ipaddr = ${c.listenAddress}
		port = ${c.authPort}
	}
	listen {
		type = acct
		ipaddr = ${c.listenAddress}
		port = ${c.acctPort}
	}

	authorize {
		# A hotspot login by RADIUS is PAP (login-by=http-pap): the code is the password.
		if (!&User-Password) {
			reject
		}
		sql
		# A code in use whose time is up is refused; otherwise its Session-Timeout is the time it has left.
		expiration
		pap
	}

	authenticate {
		Auth-Type PAP {
			pap
		}
	}

	preacct {
	}

	accounting {
		sql
	}

	post-auth {
		# Counts the device (a code sold for one device refuses a second one) and starts a code's validity at its
		# first login, in the database, so this holds while the controller is away.
		if ("%{sql:SELECT pisonet_radius_login('%{User-Name}', '%{Calling-Station-Id}')}" == "reject") {
			update {
				&reply: !* ANY
			}
			update reply {
				Reply-Message := "This code is in use on another device"
			}
			reject
		}
		# Every answer signed (Message-Authenticator): RouterOS 7.15+ refuses unsigned ones (require-message-auth),
		# and FreeRADIUS before 3.2.5 signs only a reply that holds one.
		update reply {
			Message-Authenticator := 0x00
		}
		sql
		Post-Auth-Type REJECT {
			update reply {
				Message-Authenticator := 0x00
			}
			sql
		}
	}
}
`;
}

const ALWAYS = `# Return codes used by the server section.
always reject {
	rcode = reject
}
always ok {
	rcode = ok
}
always noop {
	rcode = noop
}
`;

/** String functions the SQL module's references use (%{tolower:…}, %{integer:…}). */
const EXPR = `expr {
}
`;

const PAP = `pap {
	normalise = yes
}
`;

const EXPIRATION = `# Refuses a user past its Expiration check item and caps Session-Timeout at the time left.
expiration {
}
`;

/** Every file of the configuration directory, in the order they are written. */
export function freeradiusConfig(c: FreeRadiusConfigInput): ConfigFile[] {
  return [
    { path: 'radiusd.conf', content: radiusdConf(c) },
    {
      path: 'dictionary',
      content:
        "# FreeRADIUS reads its own dictionaries (/usr/share/freeradius: RFC, MikroTik's); nothing to add here.\n",
    },
    { path: 'clients.conf', content: clientsConf(c) },
    { path: 'mods-enabled/sql', content: sqlModule(c.dir, c.db) },
    { path: 'pgpass', content: pgpass(c.db) },
    { path: 'mods-enabled/pap', content: PAP },
    { path: 'mods-enabled/expiration', content: EXPIRATION },
    { path: 'mods-enabled/always', content: ALWAYS },
    { path: 'mods-enabled/expr', content: EXPR },
    { path: 'mods-config/sql/queries.conf', content: queriesConf() },
    { path: 'sites-enabled/pisonet', content: siteConf(c) },
  ];
}
