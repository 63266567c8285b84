/**
 * The key that encrypts the sites' router passwords at rest: CREDENTIALS_KEY from the environment, else the data
 * folder's `credentials.key` (made on first start, mode 0600, with one log line saying where and to back it up).
 * A password sealed with another key gives one clear error naming CREDENTIALS_KEY, never a stack trace.
 */
import type { AppConfig } from '../../../config/env';
import { AppError, SecretBoxError } from '../../../domain/errors';
import type { Logger } from '../../../lib/logger';
import { loadOrCreateKeyFile, secretBox, type SecretBox } from '../../../lib/secret-box';

export const CREDENTIALS_KEY_FILE = 'credentials.key';

export interface CredentialsBox {
  seal(password: string): string;
  /** The stored password of `site`; AppError CREDENTIALS_KEY_WRONG when this key did not seal it. */
  open(sealed: string, site: string): string;
  /** Where the key comes from, for messages: `CREDENTIALS_KEY` or the file's path. */
  readonly source: string;
}

function wrongKeyError(site: string, source: string): AppError {
  const where = source === 'CREDENTIALS_KEY' ? 'CREDENTIALS_KEY' : `CREDENTIALS_KEY (unset, so ${source})`;
  return new AppError(
    'CREDENTIALS_KEY_WRONG',
    `The router password of site "${site}" cannot be decrypted: ${where} is not the key it was stored with. ` +
      "Restore the key from your backup, or enter the site's password again.",
    500,
  );
}

export function openCredentialsBox(config: AppConfig, log: Logger): CredentialsBox {
  let box: SecretBox;
  let source: string;
  if (config.credentialsKey) {
    box = secretBox(config.credentialsKey);
    source = 'CREDENTIALS_KEY';
  } else {
    let made: ReturnType<typeof loadOrCreateKeyFile>;
    try {
      made = loadOrCreateKeyFile(config.dataDir, CREDENTIALS_KEY_FILE, "the sites' router passwords");
    } catch (err) {
      throw new AppError(
        'CREDENTIALS_KEY_FILE',
        `${(err as Error).message}, or set CREDENTIALS_KEY in .env to the key you backed up`,
        500,
      );
    }
    box = secretBox(made.key);
    source = made.file;
    if (made.created)
      log.warn(
        { module: 'sites', file: made.file },
        `generated the key for routers' passwords at ${made.file}: back it up with the database (or set CREDENTIALS_KEY)`,
      );
  }
  return {
    source,
    seal: (password) => box.seal(password),
    open(sealed, site) {
      try {
        return box.open(sealed);
      } catch (err) {
        if (err instanceof SecretBoxError) throw wrongKeyError(site, source);
        throw err;
      }
    },
  };
}
