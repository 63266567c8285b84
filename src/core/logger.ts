import type { AppConfig } from '../config/env';
import { createLogger, type Logger } from '../lib/logger';
import { stdoutDestination } from '../lib/log-format';

/** The log on stdout: human lines on a terminal, JSON for service managers (LOG_FORMAT). */
export const stdoutLogger = (config: AppConfig): Logger =>
  createLogger(
    config.logLevel,
    stdoutDestination(config.logFormat, () => config.tz),
  );
