/**
 * The tables RADIUS mode keeps in the product's PostgreSQL database (migration 0026): FreeRADIUS's own (its SQL
 * module reads `radcheck`, `radreply`, `radusergroup` and the group tables, and writes `radacct` and
 * `radpostauth`) and the product's two it reads at each login. They exist on PostgreSQL only.
 */
export const RADIUS_TABLES: readonly string[] = [
  'radcheck',
  'radreply',
  'radgroupcheck',
  'radgroupreply',
  'radusergroup',
  'radacct',
  'radpostauth',
  'nas',
  'radius_accounts',
  'radius_devices',
];
