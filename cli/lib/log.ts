/**
 * Where the terminal faces log. The menu owns the screen (a log line printed under an open prompt
 * garbles it), and a subcommand's stderr is for its one `error:` line, so the core's logs go to a file in
 * the data folder instead: `<DATA_DIR>/cli.log`, shared by the menu and the subcommands (appends of one
 * line are atomic, so concurrent runs do not interleave inside a line).
 */
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import type { AppConfig } from '../../src/config/env';
import { createLogger, type Logger } from '../../src/lib/logger';
import { HumanLogStream, type LineTarget } from '../../src/lib/log-format';

const CLI_LOG_NAME = 'cli.log';

/** Past this size the file is moved to `cli.log.1` (one old file kept) when a CLI process opens it. */
const ROTATE_BYTES = 5 * 1024 * 1024;

export interface CliLogs {
  log: Logger;
  /** The file the lines go to; undefined when logging is off. */
  file?: string;
  /** Why there is no file (LOG_LEVEL=silent, data folder not writable), for the menu's header. */
  off?: string;
}

/** Appends synchronously: nothing is lost when a subcommand exits right after its last line. */
class AppendFile implements LineTarget {
  constructor(private readonly fd: number) {}

  write(text: string): void {
    try {
      fs.writeSync(this.fd, text);
    } catch {
      // A full disk must not take the menu down with it; the log is a convenience here.
    }
  }
}

/**
 * The CLI's logger: the configured level, into `<DATA_DIR>/cli.log`, as human lines unless LOG_FORMAT=json
 * (a file is read with `less` and `tail -f` more often than parsed; json is there for those who parse it).
 */
export function openCliLogs(config: AppConfig): CliLogs {
  if (config.logLevel === 'silent') return { log: createLogger('silent'), off: 'LOG_LEVEL=silent' };
  const file = path.resolve(config.dataDir, CLI_LOG_NAME);
  let fd: number;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      if (fs.statSync(file).size > ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
    } catch {
      // No file yet.
    }
    fd = fs.openSync(file, 'a');
  } catch (e) {
    return {
      log: createLogger('silent'),
      off: `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    };
  }
  const target = new AppendFile(fd);
  const dest = config.logFormat === 'json' ? target : new HumanLogStream(target, { tz: config.tz });
  return { log: createLogger(config.logLevel, dest), file };
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * While the menu runs, the terminal belongs to the prompts: anything a library prints through `console`
 * or as a process warning goes to the log instead. Returns the function that puts them back.
 */
export function captureConsole(log: Logger): () => void {
  const saved = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
  const to = log.child({ module: 'console' });
  for (const m of CONSOLE_METHODS) {
    console[m] = (...args: unknown[]) => {
      const line = format(...args);
      if (m === 'error' || m === 'warn' || m === 'trace') to.warn(line);
      else to.info(line);
    };
  }
  // Node prints process warnings (deprecations, MaxListeners) to stderr from its own listener.
  const warningListeners = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error) => to.warn({ warning: w.name }, w.message);
  process.on('warning', onWarning);
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
    process.off('warning', onWarning);
    for (const l of warningListeners) process.on('warning', l);
  };
}

/** The file as the operator would type it: relative when it is under the current folder. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
