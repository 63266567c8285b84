/**
 * `/system/resource`, `/system/identity` and `/system/license` (single-item menus: no `.id`), `/system/health`
 * and `/system/reboot`.
 */
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

/** What the machine is doing now, for the figures that move: the traffic through its WAN port. */
interface MachineLoad {
  wanBps(): number;
}

/** A small wobble (0..span-1) that changes every second and is the same for the same second. */
function wobble(now: number, span: number): number {
  const second = Math.floor(now / 1000);
  return ((second * 2654435761) >>> 0) % span;
}

/**
 * Per cent CPU: a little for the router itself, more for each session and for each 10 Mbit/s through it (a CHR
 * routes about 1 Gbit/s per core; a hAP ac² far less), and a second-to-second wobble.
 */
function cpuLoad(core: SimCore, load: MachineLoad): number {
  const perTenMbit = core.state.license.board === 'routerboard' ? 6 : 1;
  const traffic = (load.wanBps() / 10_000_000) * perTenMbit;
  const base = 1 + core.state.active.size * 0.5 + traffic + wobble(core.now(), 3);
  return Math.min(100, Math.round(base));
}

/** Bytes in use beyond the board's idle figure: the tables the router holds, and a wobble of up to 1 MiB. */
function usedByTables(core: SimCore): number {
  const s = core.state;
  return s.hosts.size * 8192 + s.active.size * 16384 + s.queues.size * 4096 + wobble(core.now(), 16) * 65536;
}

export function resourceMenu(core: SimCore, load: MachineLoad): Menu {
  const row = (): Record<string, string> => {
    const board = BOARDS[core.state.license.board];
    // Uptime counts from the last (simulated) boot, so a reboot shows as an uptime that went down.
    const uptime = (core.now() - core.state.bootAt) / 1000;
    return {
      uptime: formatDuration(Math.floor(uptime)),
      version: `${core.version} (stable)`,
      'build-time': '2025-03-27 09:33:17',
      'factory-software': board.factorySoftware,
      'free-memory': String(Math.max(0, board.totalMemory - board.usedMemory - usedByTables(core))),
      'total-memory': String(board.totalMemory),
      cpu: board.cpu,
      'cpu-count': board.cpuCount,
      'cpu-frequency': board.cpuFrequency,
      'cpu-load': String(cpuLoad(core, load)),
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

/**
 * `/system/health`: ◐ RouterOS 7 lists one row per sensor (`name`, `value`, `type`: `C`, `V`, `RPM` or empty); a
 * CHR has no sensors and lists nothing. ◐ A hAP ac² reports its input voltage and its temperature, which here
 * follows the CPU load.
 */
export function healthMenu(core: SimCore, load: MachineLoad): Menu {
  const rows = (): Record<string, string>[] => {
    if (core.state.license.board !== 'routerboard') return [];
    const temperature = 38 + Math.round(cpuLoad(core, load) / 5);
    return [
      { '.id': '*D', name: 'voltage', value: (24 + wobble(core.now(), 3) / 10).toFixed(1), type: 'V' },
      { '.id': '*E', name: 'temperature', value: String(temperature), type: 'C' },
    ];
  };
  return { path: '/system/health', rows, commands: {} };
}

/**
 * `/system` itself: `reboot` (◐ over the API the router answers nothing: the connection just ends, and the
 * router is away until it has started again; docs/routeros.md "Reboot").
 */
export function systemMenu(reboot: () => void): Menu {
  return { path: '/system', rows: () => [], commands: { reboot: () => reboot() } };
}
