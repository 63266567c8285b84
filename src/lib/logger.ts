import pino from 'pino';

export type Logger = pino.Logger;

/**
 * One structured logger; modules take a child with their name. Secrets are redacted by key wherever
 * they appear in logged objects (STYLE.md: no passwords, tokens or other customers' codes in logs).
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'pisonet' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'apiToken',
          '*.apiToken',
          'secret',
          '*.secret',
          // A site's stored router password (sealed, but still not for logs) and the key that opens it.
          'password_enc',
          '*.password_enc',
          'credentialsKey',
          '*.credentialsKey',
          // The notifications' bot token and webhook secret (src/services/business/notify).
          'telegramToken',
          '*.telegramToken',
          'telegram_token',
          '*.telegram_token',
          'webhookSecret',
          '*.webhookSecret',
          'webhook_secret',
          '*.webhook_secret',
          'headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Masks a voucher code for logs: enough to correlate, not enough to use (`AB…7K`). */
export function maskCode(code: string): string {
  if (code.length <= 4) return '…';
  return `${code.slice(0, 2)}…${code.slice(-2)}`;
}

/**
 * A URL for a log line with any `code=` parameter masked (the QR codes on voucher sheets open `/portal?code=…`), and
 * any `password=` (a card's separate password rides along) left out entirely.
 */
export function maskCodesInUrl(url: string): string {
  return url
    .replace(/([?&]password=)[^&#]*/gi, '$1[redacted]')
    .replace(/([?&]code=)([^&#]*)/gi, (_m, key: string, value: string) => {
      let code = value;
      try {
        code = decodeURIComponent(value);
      } catch {
        // Malformed escapes: mask the raw text.
      }
      return `${key}${encodeURIComponent(maskCode(code))}`;
    });
}
