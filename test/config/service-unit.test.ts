/** The service's unit passes systemd's own check; the first .env holds fresh secrets the config accepts. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstEnv, serviceUnit } from '../../src/config/service-unit';

test('systemd-analyze verify passes on the unit (restart on failure, own user, environment file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-unit-'));
  try {
    fs.mkdirSync(path.join(dir, 'dist', 'src'), { recursive: true });
    const unit = serviceUnit({ dir, user: 'root', node: process.execPath });
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain(`EnvironmentFile=${dir}/.env`);
    const file = path.join(dir, 'pisonet.service');
    fs.writeFileSync(file, unit);
    fs.writeFileSync(path.join(dir, '.env'), '');
    // Throws (exit status nonzero) with systemd's words when the unit is wrong.
    const out = execFileSync('systemd-analyze', ['verify', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the first .env: secrets given, backups on, nothing of the router invented', () => {
  const env = firstEnv({
    adminPassword: 'p'.repeat(20),
    sessionSecret: 's'.repeat(48),
    apiToken: 't'.repeat(40),
    credentialsKey: 'k'.repeat(44),
    dataDir: '/opt/pisonet/data',
  });
  expect(env).toContain('BACKUP_EVERY=1d');
  expect(env).toContain(`SESSION_SECRET=${'s'.repeat(48)}`);
  expect(env).toMatch(/^ROUTER_HOST=$/m);
});
