/**
 * The time zones the Settings page offers: the ones a shop of this product is likely in first, then every other
 * zone once, by its current name. The runtime's list (Intl.supportedValuesOf) still carries names the tz
 * database has since renamed (Asia/Saigon for Asia/Ho_Chi_Minh, Asia/Calcutta for Asia/Kolkata); those are
 * shown by their new names, which the runtime accepts as well. A saved old name keeps working.
 */

/** Southeast Asia first: the Philippines, Indonesia's three zones, then the neighbours. */
const LIKELY_TIME_ZONES = [
  'Asia/Manila',
  'Asia/Jakarta',
  'Asia/Pontianak',
  'Asia/Makassar',
  'Asia/Jayapura',
  'Asia/Kuala_Lumpur',
  'Asia/Singapore',
  'Asia/Bangkok',
  'Asia/Ho_Chi_Minh',
  'Asia/Phnom_Penh',
  'Asia/Vientiane',
  'Asia/Yangon',
  'Asia/Brunei',
  'Asia/Dili',
] as const;

/** Old name → the tz database's current one, for the renamed zones the runtime still lists by the old name. */
const RENAMED: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** A zone by its current name (an old one renamed, any other as it is). */
function currentZoneName(zone: string): string {
  return RENAMED[zone] ?? zone;
}

function accepted(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The likely zones, then every other one A to Z, each once and by its current name, plus UTC. */
export function timeZoneChoices(zones: readonly string[] = Intl.supportedValuesOf('timeZone')): {
  likely: string[];
  others: string[];
} {
  const likely = LIKELY_TIME_ZONES.filter(accepted);
  const seen = new Set<string>(likely);
  const others = [...zones.map(currentZoneName).filter(accepted), 'UTC']
    .filter((z) => !seen.has(z) && (seen.add(z), true))
    .sort((a, b) => a.localeCompare(b));
  return { likely, others };
}
