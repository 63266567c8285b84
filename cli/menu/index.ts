import type { Core } from '../../src/core';
import { out } from '../lib/ansi';
import { terminalWidth, truncate } from '../lib/table';
import { openCliCore } from '../lib/context';
import { menuLoop, say, showError } from './prompts';
import { profilesMenu } from './profiles';
import { reportsMenu, settingsMenu } from './settings';
import { activeUsersMenu, bandwidthMenu } from './users';
import { vouchersMenu } from './vouchers';

function banner(core: Core): string {
  const r = core.config.router;
  const router = r.simulated
    ? `simulated router on 127.0.0.1:${core.config.simulatorPort}`
    : `${r.host}:${r.port}`;
  const width = terminalWidth();
  return `${out.bold('PisoNet Manager')}\n${out.dim(truncate(`router ${router} · database ${core.config.databaseFile}`, width))}`;
}

/** The interactive menu. Ctrl-C in a submenu goes back; at the main menu it exits. */
export async function runMenu(): Promise<number> {
  let core: Core;
  try {
    core = await openCliCore();
  } catch (e) {
    showError(e);
    return 1;
  }
  // Ctrl-C while an action (not a prompt) is running: close the database cleanly, then leave.
  const onSigint = () => void core.close().finally(() => process.exit(130));
  process.on('SIGINT', onSigint);
  try {
    say(banner(core));
    await menuLoop(
      'Main menu',
      [
        { key: '1', name: 'Vouchers', run: () => vouchersMenu(core) },
        { key: '2', name: 'Active users', run: () => activeUsersMenu(core) },
        { key: '3', name: 'Profiles', run: () => profilesMenu(core) },
        { key: '4', name: 'Bandwidth Control', run: () => bandwidthMenu(core) },
        { key: '5', name: 'Reports', run: () => reportsMenu(core) },
        { key: '6', name: 'Settings', run: () => settingsMenu(core) },
      ],
      'Exit',
    );
    say('Bye.');
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await core.close();
  }
}
