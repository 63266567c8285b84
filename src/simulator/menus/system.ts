/** `/system/resource`, `/system/identity` and `/system/license` (single-item menus: no `.id`). */
import { formatDuration } from '../values';
import { Menu, SimCore } from './common';

const MIB = 1024 * 1024;

/** What `/system/resource/print` says about the machine itself, per kind of board. */
const BOARDS = {
  /** A small x86 CHR, the most common way to run RouterOS on a shop PC. */
  chr: {
    totalMemory: 1024 * MIB,
    totalHdd: 128 * MIB,
    usedMemory: 180 * MIB,
    usedHdd: 60 * MIB,
    cpu: 'QEMU',
    cpuCount: '2',
    cpuFrequency: '2400',
    architecture: 'x86_64',
    boardName: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
    factorySoftware: '7.1',
  },
  /** A hAP ac², a common shop access point with the hotspot on the router itself. */
  routerboard: {
    totalMemory: 128 * MIB,
    totalHdd: 16 * MIB,
    usedMemory: 60 * MIB,
    usedHdd: 10 * MIB,
    cpu: 'ARMv7',
    cpuCount: '4',
    cpuFrequency: '716',
    architecture: 'arm',
    boardName: 'hAP ac^2',
    factorySoftware: '6.44.6',
  },
} as const;

export function resourceMenu(core: SimCore): Menu {
  const row = (): Record<string, string> => {
    const board = BOARDS[core.state.license.board];
    // Uptime counts from the last (simulated) boot, so a reboot shows as an uptime that went down.
    const uptime = (core.now() - core.state.bootAt) / 1000;
    // Gentle, deterministic-looking numbers that move with the number of sessions.
    const load = Math.min(100, 1 + core.state.active.size * 2);
    return {
      uptime: formatDuration(Math.floor(uptime)),
      version: `${core.version} (stable)`,
      'build-time': '2025-03-27 09:33:17',
      'factory-software': board.factorySoftware,
      'free-memory': String(board.totalMemory - board.usedMemory - core.state.queues.size * 4096),
      'total-memory': String(board.totalMemory),
      cpu: board.cpu,
      'cpu-count': board.cpuCount,
      'cpu-frequency': board.cpuFrequency,
      'cpu-load': String(load),
      'free-hdd-space': String(board.totalHdd - board.usedHdd),
      'total-hdd-space': String(board.totalHdd),
      'architecture-name': board.architecture,
      'board-name': board.boardName,
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

/**
 * `/system/license`: a CHR prints `system-id` and `level`, a RouterBOARD `software-id`, `nlevel` and
 * `features`. The id is what tells one router from another: it stays through reboots and configuration
 * resets, and only a different machine has a different one.
 */
export function licenseMenu(core: SimCore): Menu {
  const row = (): Record<string, string> => {
    const l = core.state.license;
    return l.board === 'routerboard'
      ? { 'software-id': l.id, nlevel: l.nlevel, features: '' }
      : { 'system-id': l.id, level: l.level };
  };
  return { path: '/system/license', rows: () => [row()], commands: {} };
}
