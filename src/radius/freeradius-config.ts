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
  db: { host: string; port: number; user: string; password: string; database: string; sslmode: string };
  clients: readonly FreeRadiusClient[];
}

export interface ConfigFile {
  /** Relative to the directory. */
  path: string;
  content: string;
}

/** The libdir of Debian's freeradius package (its modules). */
const LIBDIR = '/usr/lib/freeradius';

/** A value inside a FreeRADIUS double-quoted string: backslashes and quotes escaped. */
function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value inside a libpq connection string's single quotes. */
const conninfoQuoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The password file libpq reads (`passfile`): one line for any host, port, database and user of this config. */
function pgpass(c: FreeRadiusConfigInput): string {
  return `*:*:*:*:${c.db.password.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
}

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

function sqlModule(c: FreeRadiusConfigInput): string {
  const d = c.db;
  return `# The product's PostgreSQL database (DATABASE_URL).
sql {
	dialect = "postgresql"
	driver = "rlm_sql_postgresql"
	postgresql {
		send_application_name = yes
	}
	radius_db = ${quoted(
    `host=${d.host} port=${d.port} dbname=${d.database} user=${d.user} passfile=${conninfoQuoted(`${c.dir}/pgpass`)} sslmode=${d.sslmode} application_name=freeradius`,
  )}
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	read_groups = yes
	read_profiles = no
	delete_stale_sessions = yes
	read_clients = no
	client_table = "nas"
	group_attribute = "SQL-Group"
	pool {
		# 0: FreeRADIUS starts even while the database is down, and connects when it is back.
		start = 0
		min = 0
		# One connection per thread at most (FreeRADIUS's own default): a request that finds no free connection
		# fails its SQL step, and a valid code would be refused under load.
		max = \${thread[pool].max_servers}
		spare = 4
		uses = 0
		retry_delay = 5
		lifetime = 0
		idle_timeout = 60
	}
	$INCLUDE \${modconfdir}/sql/queries.conf
}
`;
}

/** The columns and values every accounting packet writes, `stop` saying whether the session ended with it. */
function accountingUpsert(stop: boolean): string {
  const octets = (dir: 'Input' | 'Output') =>
    `(('%{%{Acct-${dir}-Gigawords}:-0}'::bigint << 32) + '%{%{Acct-${dir}-Octets}:-0}'::bigint)`;
  return `"\\
				INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, nasportid, nasporttype, \\
					acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, \\
					calledstationid, callingstationid, acctterminatecause, servicetype, framedipaddress) \\
				VALUES ('%{Acct-Session-Id}', '%{Packet-Src-IP-Address}/%{SQL-User-Name}/%{Acct-Session-Id}', '%{SQL-User-Name}', \\
					'%{Packet-Src-IP-Address}'::inet, NULLIF('%{%{NAS-Port-ID}:-%{NAS-Port}}', ''), '%{NAS-Port-Type}', \\
					\${....event_timestamp} - make_interval(secs => '%{%{Acct-Session-Time}:-0}'::bigint), \\
					\${....event_timestamp}, ${stop ? '${....event_timestamp}' : 'NULL'}, '%{%{Acct-Session-Time}:-0}'::bigint, \\
					${octets('Input')}, ${octets('Output')}, \\
					'%{Called-Station-Id}', '%{Calling-Station-Id}', ${stop ? "NULLIF('%{Acct-Terminate-Cause}', '')" : 'NULL'}, \\
					'%{Service-Type}', NULLIF('%{Framed-IP-Address}', '')::inet) \\
				ON CONFLICT (acctuniqueid) DO UPDATE SET \\
					acctupdatetime = GREATEST(radacct.acctupdatetime, EXCLUDED.acctupdatetime), \\
					acctsessiontime = GREATEST(radacct.acctsessiontime, EXCLUDED.acctsessiontime), \\
					acctinputoctets = GREATEST(radacct.acctinputoctets, EXCLUDED.acctinputoctets), \\
					acctoutputoctets = GREATEST(radacct.acctoutputoctets, EXCLUDED.acctoutputoctets), \\
					acctstoptime = COALESCE(radacct.acctstoptime, EXCLUDED.acctstoptime), \\
					acctterminatecause = COALESCE(radacct.acctterminatecause, EXCLUDED.acctterminatecause), \\
					framedipaddress = COALESCE(EXCLUDED.framedipaddress, radacct.framedipaddress)"`;
}

function queriesConf(): string {
  return `# The SQL FreeRADIUS runs on the product's database (PostgreSQL).
sql_user_name = "%{User-Name}"
event_timestamp_epoch = "%{%{integer:Event-Timestamp}:-%l}"
event_timestamp = "TO_TIMESTAMP(\${event_timestamp_epoch})"

authorize_check_query = "SELECT id, username, attribute, value, op FROM \${authcheck_table} WHERE username = '%{SQL-User-Name}' ORDER BY id"
authorize_reply_query = "SELECT id, username, attribute, value, op FROM \${authreply_table} WHERE username = '%{SQL-User-Name}' ORDER BY id"
group_membership_query = "SELECT groupname FROM \${usergroup_table} WHERE username = '%{SQL-User-Name}' ORDER BY priority"
authorize_group_check_query = "SELECT id, groupname, attribute, value, op FROM \${groupcheck_table} WHERE groupname = '%{\${group_attribute}}' ORDER BY id"
authorize_group_reply_query = "SELECT id, groupname, attribute, value, op FROM \${groupreply_table} WHERE groupname = '%{\${group_attribute}}' ORDER BY id"

accounting {
	reference = "%{tolower:type.%{%{Acct-Status-Type}:-none}.query}"
	type {
		start {
			query = ${accountingUpsert(false)}
		}
		interim-update {
			query = ${accountingUpsert(false)}
		}
		stop {
			query = ${accountingUpsert(true)}
		}
		# The router restarted: its open sessions ended (their last totals stay).
		accounting-on {
			query = "UPDATE radacct SET acctstoptime = \${....event_timestamp}, acctterminatecause = 'NAS-Reboot' \\
				WHERE acctstoptime IS NULL AND nasipaddress = '%{Packet-Src-IP-Address}'::inet"
		}
		accounting-off {
			query = "\${..accounting-on.query}"
		}
	}
}

post-auth {
	reference = ".query"
	# The code is the user name: the password is not kept a second time.
	query = "INSERT INTO \${..postauth_table} (username, pass, reply, calledstationid, callingstationid, nasipaddress, authdate) \\
		VALUES ('%{SQL-User-Name}', '', '%{reply:Packet-Type}', '%{Called-Station-Id}', '%{Calling-Station-Id}', \\
		'%{Packet-Src-IP-Address}'::inet, NOW())"
}
`;
}

function siteConf(c: FreeRadiusConfigInput): string {
  const addr = c.listenAddress === '*' ? '*' : c.listenAddress;
  return `# PisoNet Manager: vouchers by PAP from the product's database, accounting into radacct.
server pisonet {
	listen {
		type = auth
		ipaddr = ${addr}
		port = ${c.authPort}
	}
	listen {
		type = acct
		ipaddr = ${addr}
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
    { path: 'mods-enabled/sql', content: sqlModule(c) },
    { path: 'pgpass', content: pgpass(c) },
    { path: 'mods-enabled/pap', content: PAP },
    { path: 'mods-enabled/expiration', content: EXPIRATION },
    { path: 'mods-enabled/always', content: ALWAYS },
    { path: 'mods-enabled/expr', content: EXPR },
    { path: 'mods-config/sql/queries.conf', content: queriesConf() },
    { path: 'sites-enabled/pisonet', content: siteConf(c) },
  ];
}
