/**
 * The systemd service of a shop's box (`sudo npx pisonet service install`): the unit and a first `.env` with
 * random secrets, as plain text from plain values. The install command writes them (cli/commands/service.ts).
 */
import { SERVER_ENV, SERVER_NODE_FLAGS } from './runtime';

interface ServiceUnitInput {
  /** The project folder (WorkingDirectory), e.g. /opt/pisonet. */
  dir: string;
  user: string;
  /** The absolute path of node. */
  node: string;
}

export function serviceUnit(u: ServiceUnitInput): string {
  return `# PisoNet Manager, installed by \`pisonet service install\` (remove with \`pisonet service uninstall\`).
[Unit]
Description=PisoNet Manager (MikroTik hotspot controller)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=${u.user}
Group=${u.user}
WorkingDirectory=${u.dir}
EnvironmentFile=${u.dir}/.env
${Object.entries(SERVER_ENV)
  .map(([k, v]) => `Environment=${k}=${v}`)
  .join('\n')}
Environment=LOG_FORMAT=json
Environment=NODE_ENV=production
ExecStart=${u.node} ${SERVER_NODE_FLAGS.join(' ')} dist/src/main.js
TimeoutStopSec=15
Restart=on-failure
RestartSec=5
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full

[Install]
WantedBy=multi-user.target
`;
}

interface FirstEnv {
  adminPassword: string;
  sessionSecret: string;
  apiToken: string;
  credentialsKey: string;
  dataDir: string;
}

/** A first `.env`: random secrets, the data folder, daily backups. The router's settings are left to fill in. */
export function firstEnv(e: FirstEnv): string {
  return `# Made by \`pisonet service install\`. Fill in the router (ROUTER_HOST, ROUTER_USER, ROUTER_PASSWORD), PORTAL_URL
# and TZ, then: sudo systemctl restart pisonet. Keep this file private (mode 600): it holds the secrets.
DATA_DIR=${e.dataDir}
ADMIN_USERNAME=admin
ADMIN_PASSWORD=${e.adminPassword}
SESSION_SECRET=${e.sessionSecret}
ADMIN_API_TOKEN=${e.apiToken}
CREDENTIALS_KEY=${e.credentialsKey}
BACKUP_EVERY=1d
BACKUP_KEEP=7
TZ=Asia/Manila
ROUTER_HOST=
ROUTER_USER=
ROUTER_PASSWORD=
PORTAL_URL=
`;
}
