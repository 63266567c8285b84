/** `/system/resource` and `/system/identity` (single-item menus: no `.id`). */
import { formatDuration } from '../values';
import { Menu, SimCore } from './common';

/** A small x86 CHR, the most common way to run RouterOS on a shop PC. */
const TOTAL_MEMORY = 1024 * 1024 * 1024;
const TOTAL_HDD = 128 * 1024 * 1024;

export function resourceMenu(core: SimCore): Menu {
  const row = (): Record<string, string> => {
    const uptime = (core.now() - core.state.bootAt) / 1000;
    // Gentle, deterministic-looking numbers that move with the number of sessions.
    const load = Math.min(100, 1 + core.state.active.size * 2);
    return {
      uptime: formatDuration(Math.floor(uptime)),
      version: `${core.version} (stable)`,
      'build-time': '2025-03-27 09:33:17',
      'factory-software': '7.1',
      'free-memory': String(TOTAL_MEMORY - 180 * 1024 * 1024 - core.state.queues.size * 4096),
      'total-memory': String(TOTAL_MEMORY),
      cpu: 'QEMU',
      'cpu-count': '2',
      'cpu-frequency': '2400',
      'cpu-load': String(load),
      'free-hdd-space': String(TOTAL_HDD - 60 * 1024 * 1024),
      'total-hdd-space': String(TOTAL_HDD),
      'architecture-name': 'x86_64',
      'board-name': 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
      platform: 'MikroTik',
    };
  };
  return { path: '/system/resource', rows: () => [row()], commands: {} };
}

export function identityMenu(core: SimCore): Menu {
  return {
    path: '/system/identity',
    rows: () => [{ name: core.state.identity }],
    commands: {
      set: (args) => {
        const name = args.get('name');
        if (name !== undefined) core.state.identity = name;
        core.configChanged();
      },
    },
  };
}
