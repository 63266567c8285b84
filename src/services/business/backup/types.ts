/**
 * The backups' contract (src/services/business/backup): one service for the server's schedule, the admin's Backups
 * page and `pisonet backup`; `pisonet restore` reads the same files (restore.ts).
 */
import type { BackupConfig } from '../../../config/env-backup';
import type { Actor } from '../audit/actor';

/** What the payload is: SQLite's own file, pg_dump's custom format, or the product's portable export. */
export type BackupFormat = 'sqlite' | 'pgdump' | 'export';

/** The header of every backup file (file-format.ts): enough to check it and restore it. */
export interface BackupManifest {
  product: 'pisonet-manager';
  /** The product version that made it (package.json). */
  version: string;
  /** When (ms), and the same in the shop's time zone as people read it. */
  made_at: number;
  made_at_local: string;
  tz: string;
  engine: 'sqlite' | 'postgres';
  format: BackupFormat;
  /** The schema's last migration at backup time: a restore migrates on from there. */
  migration: string;
  /** Rows per table at backup time (one consistent snapshot). */
  tables: Record<string, number>;
  /**
   * Secrets in the backup, still sealed with the key files of the data folder, which are not in it:
   * sites' router passwords and RADIUS secrets (credentials.key or CREDENTIALS_KEY), vendo secrets
   * (vendo-secrets.key).
   */
  sealed: { router_passwords: number; radius_secrets: number; vendo_secrets: number };
  payload: { bytes: number; sha256: string; encoding: 'gzip' | 'none' };
}

/** A backup file in the backup folder, as the header says. */
export interface BackupFile {
  name: string;
  file: string;
  bytes: number;
  /** From the header; undefined when the header cannot be read (the file is damaged). */
  madeAt?: number;
  format?: BackupFormat;
  engine?: 'sqlite' | 'postgres';
  version?: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
  /** Older backups removed by retention (names). */
  pruned: string[];
}

/** The folder, the schedule (seconds between backups; 0 = none scheduled), what is kept and written. */
export interface BackupStatus extends BackupConfig {
  /** What `auto` writes on this database's engine now (pg_dump only when it is installed). */
  autoFormat: BackupFormat;
  /** The backups kept, newest first. */
  files: BackupFile[];
  running: boolean;
  /** The last failed attempt in this process, until one succeeds. */
  lastError?: { at: number; message: string };
  /** When the schedule makes the next one (ms); undefined when none is scheduled. */
  nextDueAt?: number;
}

export interface BackupOptions {
  /** A file of the caller's choice; default a new `pisonet-YYYYMMDD-HHMMSS.<format>.backup` in the folder. */
  out?: string;
  /** auto: the engine's own copy (pg_dump when installed, else the export); export: always the export. */
  format?: 'auto' | BackupFormat;
  /** Who asked (audited); none for the schedule. */
  actor?: Actor;
}

export interface BackupService {
  /**
   * Makes one consistent backup while the shop runs, then keeps the newest `keep` of the folder's backups.
   * A backup into the folder asked while another runs joins it.
   */
  backupNow(opts?: BackupOptions): Promise<BackupResult>;
  /** The folder's backups (files named as the product names them), newest first. */
  list(): Promise<BackupFile[]>;
  status(): Promise<BackupStatus>;
  /**
   * Whether the schedule should make one now: the newest backup is older than the interval, and this server
   * claimed the turn (servers sharing the folder make one between them).
   */
  due(): Promise<boolean>;
  /** One backup of the folder for download (by its name), audited; BACKUP_NOT_FOUND otherwise. */
  forDownload(name: string, actor: Actor): Promise<BackupFile>;
}
