/**
 * The SQL side of the FreeRADIUS configuration (freeradius-config.ts): the SQL module's connection to the product's
 * PostgreSQL database, the password file it reads, and the queries it runs (PAP codes from `radcheck`, accounting
 * as one upsert per packet into `radacct`, every answer into `radpostauth`).
 */

/** The product's PostgreSQL database as FreeRADIUS reaches it. */
export interface FreeRadiusDb {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  sslmode: string;
}

/** A value inside a FreeRADIUS double-quoted string: backslashes and quotes escaped. */
export function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value inside a libpq connection string's single quotes. */
const conninfoQuoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The password file libpq reads (`passfile`): one line for any host, port, database and user of this config. */
export function pgpass(db: FreeRadiusDb): string {
  return `*:*:*:*:${db.password.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
}

/** `mods-enabled/sql`: the SQL module on the product's database; `dir` is where `pgpass` is. */
export function sqlModule(dir: string, d: FreeRadiusDb): string {
  return `# The product's PostgreSQL database (DATABASE_URL).
sql {
	dialect = "postgresql"
	driver = "rlm_sql_postgresql"
	postgresql {
		send_application_name = yes
	}
	radius_db = ${quoted(
    `host=${d.host} port=${d.port} dbname=${d.database} user=${d.user} passfile=${conninfoQuoted(`${dir}/pgpass`)} sslmode=${d.sslmode} application_name=freeradius`,
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

/** `mods-config/sql/queries.conf`: what the SQL module asks and writes. */
export function queriesConf(): string {
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
