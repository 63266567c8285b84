/** ◐ A PPPoE session's dynamic interface (and its dynamic queue) is named `<pppoe-USER>`. */
export const pppInterfaceName = (user: string): string => `<pppoe-${user}>`;
