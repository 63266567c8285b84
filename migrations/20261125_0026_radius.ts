import type { Knex } from 'knex';

/**
 * RADIUS mode (docs/radius.md). A site is `api` (the router's API: queue counters, hotspot users) or `radius`
 * (FreeRADIUS authenticates its vouchers from this database, its accounting is the usage, CoA and Disconnect
 * enforce). A RADIUS site names its router as a RADIUS client (`nas_address`, the shared secret sealed like the
 * router passwords in `radius_secret_enc`, the port it takes CoA on); its API connection is optional.
 *
 * On PostgreSQL the tables FreeRADIUS's SQL module reads and writes are made here, with the product's own
 * columns where it needs them (`radpostauth.nasipaddress`). The product owns the content of `radcheck`,
 * `radreply` and `radusergroup` (one voucher code = one user); FreeRADIUS writes `radacct` and `radpostauth`.
 * `radius_accounts` holds what FreeRADIUS decides alone while the controller is away: how many devices a code may
 * be used on, and when it was first accepted (its validity then runs from there: `pisonet_radius_login`).
 * RADIUS mode needs PostgreSQL: on SQLite only the site columns exist, and a RADIUS site is refused.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sites', (t) => {
    t.string('mode', 8).notNullable().defaultTo('api');
    t.string('nas_address', 45);
    t.text('radius_secret_enc');
    t.integer('coa_port');
  });
  if (knex.client.config.client !== 'pg') return;
  // A device's counter in RADIUS mode is named by its code and MAC (a queue's `.id` is a few characters).
  await knex.raw('ALTER TABLE voucher_devices ALTER COLUMN counter_queue_id TYPE varchar(64)');
  await knex.raw(`
CREATE TABLE radcheck (
  id serial PRIMARY KEY, username text NOT NULL DEFAULT '', attribute text NOT NULL DEFAULT '',
  op varchar(2) NOT NULL DEFAULT '==', value text NOT NULL DEFAULT '');
CREATE INDEX radcheck_username ON radcheck (username, attribute);
CREATE TABLE radreply (
  id serial PRIMARY KEY, username text NOT NULL DEFAULT '', attribute text NOT NULL DEFAULT '',
  op varchar(2) NOT NULL DEFAULT '=', value text NOT NULL DEFAULT '');
CREATE INDEX radreply_username ON radreply (username, attribute);
CREATE TABLE radgroupcheck (
  id serial PRIMARY KEY, groupname text NOT NULL DEFAULT '', attribute text NOT NULL DEFAULT '',
  op varchar(2) NOT NULL DEFAULT '==', value text NOT NULL DEFAULT '');
CREATE INDEX radgroupcheck_groupname ON radgroupcheck (groupname, attribute);
CREATE TABLE radgroupreply (
  id serial PRIMARY KEY, groupname text NOT NULL DEFAULT '', attribute text NOT NULL DEFAULT '',
  op varchar(2) NOT NULL DEFAULT '=', value text NOT NULL DEFAULT '');
CREATE INDEX radgroupreply_groupname ON radgroupreply (groupname, attribute);
CREATE TABLE radusergroup (
  id serial PRIMARY KEY, username text NOT NULL DEFAULT '', groupname text NOT NULL DEFAULT '',
  priority integer NOT NULL DEFAULT 0);
CREATE INDEX radusergroup_username ON radusergroup (username);
CREATE TABLE radacct (
  radacctid bigserial PRIMARY KEY,
  acctsessionid text NOT NULL,
  acctuniqueid text NOT NULL UNIQUE,
  username text,
  realm text,
  nasipaddress inet NOT NULL,
  nasportid text,
  nasporttype text,
  acctstarttime timestamp with time zone,
  acctupdatetime timestamp with time zone,
  acctstoptime timestamp with time zone,
  acctinterval bigint,
  acctsessiontime bigint,
  acctauthentic text,
  connectinfo_start text,
  connectinfo_stop text,
  acctinputoctets bigint NOT NULL DEFAULT 0,
  acctoutputoctets bigint NOT NULL DEFAULT 0,
  calledstationid text,
  callingstationid text,
  acctterminatecause text,
  servicetype text,
  framedprotocol text,
  framedipaddress inet,
  framedipv6address inet,
  framedipv6prefix inet,
  framedinterfaceid text,
  delegatedipv6prefix inet,
  class text);
CREATE INDEX radacct_active_session_idx ON radacct (acctuniqueid) WHERE acctstoptime IS NULL;
CREATE INDEX radacct_nas_open ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;
CREATE INDEX radacct_username ON radacct (username, callingstationid);
CREATE TABLE radpostauth (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  pass text,
  reply text,
  calledstationid text,
  callingstationid text,
  nasipaddress inet,
  authdate timestamp with time zone NOT NULL DEFAULT now(),
  class text);
CREATE INDEX radpostauth_username_idx ON radpostauth (username);
CREATE INDEX radpostauth_authdate_idx ON radpostauth (authdate);
CREATE TABLE nas (
  id serial PRIMARY KEY, nasname text NOT NULL, shortname text NOT NULL, type text NOT NULL DEFAULT 'other',
  ports integer, secret text NOT NULL, server text, community text, description text);
CREATE TABLE radius_accounts (
  username text PRIMARY KEY,
  site_id integer NOT NULL,
  max_devices integer NOT NULL,
  validity_seconds bigint,
  first_accept_at timestamp with time zone);
CREATE TABLE radius_devices (
  username text NOT NULL,
  mac text NOT NULL,
  first_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (username, mac));
`);
  // Called by FreeRADIUS after a code's password matched (post-auth), in one statement: a device beyond the code's
  // count is refused; the first one accepted starts the validity of a code sold by time, so FreeRADIUS alone keeps
  // to it while the controller is away (an Expiration check item, which the expiration module enforces and turns
  // into the Session-Timeout of every later login).
  await knex.raw(`
CREATE FUNCTION pisonet_radius_login(u text, m text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE acc radius_accounts%ROWTYPE; used integer;
BEGIN
  SELECT * INTO acc FROM radius_accounts WHERE username = u FOR UPDATE;
  IF NOT FOUND THEN RETURN 'ok'; END IF;
  IF m IS NOT NULL AND m <> '' AND NOT EXISTS (SELECT 1 FROM radius_devices WHERE username = u AND mac = upper(m)) THEN
    SELECT count(*) INTO used FROM radius_devices WHERE username = u;
    IF used >= acc.max_devices THEN RETURN 'reject'; END IF;
    INSERT INTO radius_devices (username, mac) VALUES (u, upper(m));
  END IF;
  IF acc.first_accept_at IS NULL THEN
    UPDATE radius_accounts SET first_accept_at = now() WHERE username = u;
    IF acc.validity_seconds IS NOT NULL AND NOT EXISTS (SELECT 1 FROM radcheck WHERE username = u AND attribute = 'Expiration') THEN
      INSERT INTO radcheck (username, attribute, op, value)
        VALUES (u, 'Expiration', ':=', (floor(extract(epoch FROM now())) + acc.validity_seconds)::bigint::text);
    END IF;
  END IF;
  RETURN 'ok';
END $$;
`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP FUNCTION IF EXISTS pisonet_radius_login(text, text)');
    for (const t of [
      'radius_devices',
      'radius_accounts',
      'nas',
      'radpostauth',
      'radacct',
      'radusergroup',
      'radgroupreply',
      'radgroupcheck',
      'radreply',
      'radcheck',
    ])
      await knex.schema.dropTableIfExists(t);
    await knex.raw(
      'ALTER TABLE voucher_devices ALTER COLUMN counter_queue_id TYPE varchar(16) USING left(counter_queue_id, 16)',
    );
  }
  await knex.schema.alterTable('sites', (t) => {
    t.dropColumn('coa_port');
    t.dropColumn('radius_secret_enc');
    t.dropColumn('nas_address');
    t.dropColumn('mode');
  });
}
