/**
 * The backup file: a header of fixed size, then the payload (the engine's copy of the database, or the
 * product's own export). The header holds what a restore must know before it changes anything: the product's
 * version, the engine, the format, the schema's last migration, the rows per table, and the payload's length
 * and SHA-256; it carries its own SHA-256 too. So a file cut short, grown, or with any byte changed is refused
 * by `verifyBackup` before a restore touches the database.
 *
 *   PISONET-BACKUP 1\n
 *   {manifest as JSON}\n
 *   sha256:<hex of the JSON line>\n
 *   spaces up to HEADER_BYTES - 1, then \n
 *   payload (payload.bytes bytes)
 *
 * The header's size is fixed so the payload can be streamed into the file (pg_dump's output, the export) and the
 * header written over the front at the end, when the payload's hash is known.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { AppError } from '../../../domain/errors';
import type { BackupManifest } from './types';

const MAGIC = 'PISONET-BACKUP 1';
export const HEADER_BYTES = 16384;

/** A damaged or unreadable backup: one line for the owner, nothing changed. */
function damaged(file: string, why: string): AppError {
  return new AppError('BACKUP_DAMAGED', `${file} is not a usable backup: ${why}; nothing was changed`, 422);
}

/** The header bytes for `manifest` (HEADER_BYTES long). */
export function headerFor(manifest: BackupManifest): Buffer {
  const json = JSON.stringify(manifest);
  const hash = crypto.createHash('sha256').update(json).digest('hex');
  const text = `${MAGIC}\n${json}\nsha256:${hash}\n`;
  const used = Buffer.byteLength(text);
  if (used > HEADER_BYTES - 1) throw new Error(`backup manifest too large (${used} bytes)`);
  return Buffer.concat([Buffer.from(text), Buffer.alloc(HEADER_BYTES - 1 - used, ' '), Buffer.from('\n')]);
}

/** The manifest of a backup file's header, checked (magic, its own hash, its shape); BACKUP_DAMAGED if not. */
export async function readManifest(file: string): Promise<BackupManifest> {
  let fd: fs.promises.FileHandle;
  try {
    fd = await fs.promises.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('BACKUP_NOT_FOUND', `there is no file ${file}`, 404);
    if (code === 'EISDIR') throw damaged(file, 'it is a folder');
    throw err;
  }
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fd.read(buf, 0, HEADER_BYTES, 0);
    return parseHeader(file, buf.subarray(0, bytesRead));
  } finally {
    await fd.close();
  }
}

function parseHeader(file: string, buf: Buffer): BackupManifest {
  if (buf.subarray(0, MAGIC.length + 1).toString('latin1') !== `${MAGIC}\n`)
    throw damaged(file, 'it is not a PisoNet Manager backup file (its first line is wrong)');
  if (buf.length < HEADER_BYTES) throw damaged(file, 'the file is cut short inside its header');
  const text = buf.toString('utf8');
  const [, json, hashLine, ...rest] = text.slice(0, -1).split('\n');
  const padding = rest.join('\n');
  const hash = crypto
    .createHash('sha256')
    .update(json ?? '')
    .digest('hex');
  if (hashLine !== `sha256:${hash}` || !/^ *$/.test(padding) || !text.endsWith('\n'))
    throw damaged(file, 'its header does not match its checksum (the file is damaged)');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(json) as BackupManifest;
  } catch {
    throw damaged(file, 'its header is not readable');
  }
  if (!validShape(manifest)) throw damaged(file, 'its header lacks what a restore needs');
  return manifest;
}

function validShape(m: BackupManifest): boolean {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.version === 'string' &&
    typeof m.made_at === 'number' &&
    (m.engine === 'sqlite' || m.engine === 'postgres') &&
    ['sqlite', 'pgdump', 'export'].includes(m.format) &&
    typeof m.migration === 'string' &&
    typeof m.tables === 'object' &&
    m.tables !== null &&
    typeof m.payload?.bytes === 'number' &&
    /^[0-9a-f]{64}$/.test(m.payload?.sha256 ?? '') &&
    (m.payload.encoding === 'gzip' || m.payload.encoding === 'none')
  );
}

/**
 * Reads the whole file: the header checked, the payload's length and SHA-256 compared with the header's.
 * Returns the manifest; BACKUP_DAMAGED (a one-line reason) otherwise.
 */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const manifest = await readManifest(file);
  const size = (await fs.promises.stat(file)).size;
  const expected = HEADER_BYTES + manifest.payload.bytes;
  if (size < expected)
    throw damaged(
      file,
      `the file is cut short (${size} of ${expected} bytes; copied or downloaded only in part?)`,
    );
  if (size > expected)
    throw damaged(file, `the file has ${size - expected} byte(s) more than it was made with`);
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { start: HEADER_BYTES }), hash);
  if (hash.digest('hex') !== manifest.payload.sha256)
    throw damaged(file, 'its content does not match its checksum (the file is damaged)');
  return manifest;
}

/** The payload as it was before encoding (gunzipped when it was gzipped). Verify the file first. */
export function payloadStream(file: string, manifest: BackupManifest): Readable {
  const raw = fs.createReadStream(file, { start: HEADER_BYTES });
  if (manifest.payload.encoding === 'none') return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** Counts and hashes what passes through: the payload as written into the file. */
class PayloadMeter extends Transform {
  bytes = 0;
  private readonly hash = crypto.createHash('sha256');

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void) {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Writes a backup file at `dest`: a blank header, then the payload from `source` (gzipped when asked), then
 * the header for the finished manifest over the front, synced, and only then renamed into place: a backup that
 * fails half-way leaves no file under a backup's name.
 */
export async function writeBackupFile(
  dest: string,
  source: () => Readable,
  encoding: 'gzip' | 'none',
  manifestFor: (payload: BackupManifest['payload']) => BackupManifest,
): Promise<BackupManifest> {
  const partial = `${dest}.partial`;
  try {
    await fs.promises.writeFile(partial, Buffer.alloc(HEADER_BYTES, ' '), { mode: 0o600 });
    const meter = new PayloadMeter();
    const out = fs.createWriteStream(partial, { flags: 'r+', start: HEADER_BYTES });
    if (encoding === 'gzip') await pipeline(source(), zlib.createGzip({ level: 6 }), meter, out);
    else await pipeline(source(), meter, out);
    const manifest = manifestFor({ bytes: meter.bytes, sha256: meter.digest(), encoding });
    const fd = await fs.promises.open(partial, 'r+');
    try {
      await fd.write(headerFor(manifest), 0, HEADER_BYTES, 0);
      await fd.sync();
    } finally {
      await fd.close();
    }
    await fs.promises.rename(partial, dest);
    return manifest;
  } catch (err) {
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
}
