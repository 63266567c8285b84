import type { Knex } from 'knex';
import * as m0001 from './20261121_0001_profiles';
import * as m0002 from './20261121_0002_vouchers';
import * as m0003 from './20261121_0003_router_state';
import * as m0004 from './20261121_0004_devices_usage';
import * as m0005 from './20261121_0005_events';
import * as m0006 from './20261121_0006_admin';
import * as m0007 from './20261121_0007_usage_rollup';
import * as m0008 from './20261122_0008_sale_profile';
import * as m0009 from './20261122_0009_pending_logins';
import * as m0010 from './20261122_0010_batch_card_design';
import * as m0011 from './20261122_0011_vendos';
import * as m0011a from './20261122_0011a_vendo_coin_window';
import * as m0012 from './20261122_0012_self_service';
import * as m0013 from './20261122_0013_change_notify';
import * as m0014 from './20261122_0014_wide_rates';
import * as m0015 from './20261122_0015_sites';
import * as m0016 from './20261122_0016_vendo_window_proof';
import * as m0017 from './20261122_0017_voucher_sites';
import * as m0018 from './20261122_0018_profile_vendo_sites';
import * as m0019 from './20261122_0019_usage_journal';
import * as m0020 from './20261123_0020_site_wifi_name';
import * as m0021 from './20261123_0021_usage_journal_packed';
import * as m0022 from './20261124_0022_card_templates';
import * as m0023 from './20261124_0023_voucher_password';
import * as m0024 from './20261124_0024_voucher_code_key';
import * as m0025 from './20261125_0025_usage_journal_folded';
import * as m0026 from './20261125_0026_radius';
import * as m0027 from './20261126_0027_voucher_charges';
import * as m0028 from './20261127_0028_charge_bytes';
import * as m0029 from './20261128_0029_notify_outbox';
import * as m0034 from './20261129_0034_payments';
import * as m0035 from './20261129_0035_account_roles';
import * as m0036 from './20261129_0036_account_tokens';
import * as m0037 from './20261129_0037_batch_accounts';
import * as m0038 from './20261129_0038_remittances';
import * as m0039 from './20261130_0039_source_counter_id';
import * as m0040 from './20261201_0040_login_failures';
import * as m0041 from './20261201_0041_remittance_advance';
import * as m0042 from './20261201_0042_remittance_voids';
import * as m0043 from './20261201_0043_payment_joins';
import * as m0044 from './20261201_0044_logins_in_flight';
import * as m0045 from './20261201_0045_claim_server';
import * as m0046 from './20261202_0046_subscribers';
import * as m0047 from './20261202_0047_charge_voids';
import * as m0048 from './20261203_0048_subscriber_sessions';
import * as m0050 from './20261203_0050_invoices';
import * as m0051 from './20261203_0051_subscriber_payments';
import * as m0052 from './20261204_0052_subscriber_suspensions';
import * as m0054 from './20261204_0054_usage_up_down';
import * as m0054a from './20261204_0054a_payment_voids';
import * as m0055 from './20261205_0055_subscriber_checkouts';
import * as m0053 from './20261205_0053_sms_outbox';
import * as m0056 from './20261206_0056_login_failure_kinds';
import * as m0057 from './20261206_0057_sms_tried_ms';
import * as m0058 from './20261206_0058_subscriber_session_state';
import * as m0059 from './20261206_0059_suspension_until_paid';
import * as m0060 from './20261206_0060_billing_start';
import * as m0061 from './20261206_0061_static_addresses';
import * as m0063 from './20261206_0063_subscriber_adopted_secret';
import * as m0064 from './20261207_0064_charge_sale_profile';
import * as m0065 from './20261208_0065_coin_topup_charges';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed explicitly (not discovered on disk) so they load the same way under tsx, a
 * compiled build and jest. Add new files here, in order; names are the file names.
 */
const migrations: Array<[string, Migration]> = [
  ['20261121_0001_profiles', m0001],
  ['20261121_0002_vouchers', m0002],
  ['20261121_0003_router_state', m0003],
  ['20261121_0004_devices_usage', m0004],
  ['20261121_0005_events', m0005],
  ['20261121_0006_admin', m0006],
  ['20261121_0007_usage_rollup', m0007],
  ['20261122_0008_sale_profile', m0008],
  ['20261122_0009_pending_logins', m0009],
  ['20261122_0010_batch_card_design', m0010],
  ['20261122_0011_vendos', m0011],
  ['20261122_0011a_vendo_coin_window', m0011a],
  ['20261122_0012_self_service', m0012],
  ['20261122_0013_change_notify', m0013],
  ['20261122_0014_wide_rates', m0014],
  ['20261122_0015_sites', m0015],
  ['20261122_0016_vendo_window_proof', m0016],
  ['20261122_0017_voucher_sites', m0017],
  ['20261122_0018_profile_vendo_sites', m0018],
  ['20261122_0019_usage_journal', m0019],
  ['20261123_0020_site_wifi_name', m0020],
  ['20261123_0021_usage_journal_packed', m0021],
  ['20261124_0022_card_templates', m0022],
  ['20261124_0023_voucher_password', m0023],
  ['20261124_0024_voucher_code_key', m0024],
  ['20261125_0025_usage_journal_folded', m0025],
  ['20261125_0026_radius', m0026],
  ['20261126_0027_voucher_charges', m0027],
  ['20261127_0028_charge_bytes', m0028],
  ['20261128_0029_notify_outbox', m0029],
  ['20261129_0034_payments', m0034],
  ['20261129_0035_account_roles', m0035],
  ['20261129_0036_account_tokens', m0036],
  ['20261129_0037_batch_accounts', m0037],
  ['20261129_0038_remittances', m0038],
  ['20261130_0039_source_counter_id', m0039],
  ['20261201_0040_login_failures', m0040],
  ['20261201_0041_remittance_advance', m0041],
  ['20261201_0042_remittance_voids', m0042],
  ['20261201_0043_payment_joins', m0043],
  ['20261201_0044_logins_in_flight', m0044],
  ['20261201_0045_claim_server', m0045],
  ['20261202_0046_subscribers', m0046],
  ['20261202_0047_charge_voids', m0047],
  ['20261203_0048_subscriber_sessions', m0048],
  ['20261203_0050_invoices', m0050],
  ['20261203_0051_subscriber_payments', m0051],
  ['20261204_0052_subscriber_suspensions', m0052],
  ['20261204_0054_usage_up_down', m0054],
  ['20261204_0054a_payment_voids', m0054a],
  ['20261205_0055_subscriber_checkouts', m0055],
  ['20261205_0053_sms_outbox', m0053],
  ['20261206_0056_login_failure_kinds', m0056],
  ['20261206_0057_sms_tried_ms', m0057],
  ['20261206_0058_subscriber_session_state', m0058],
  ['20261206_0059_suspension_until_paid', m0059],
  ['20261206_0060_billing_start', m0060],
  ['20261206_0061_static_addresses', m0061],
  ['20261206_0063_subscriber_adopted_secret', m0063],
  ['20261207_0064_charge_sale_profile', m0064],
  ['20261208_0065_coin_topup_charges', m0065],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m[0],
  getMigration: async (m) => m[1],
};
