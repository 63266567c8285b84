import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../src/domain/errors';

/** Why a file the operator named cannot be used, in their words (the fix is theirs: exit 2, not INTERNAL). */
function whyNot(err: unknown, file: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `the folder ${path.dirname(path.resolve(file))} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'that is a folder; give a file name';
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EROFS') return 'the disk is read-only';
  return (err as Error).message;
}

/** Writes a file the operator asked for; a path that cannot be written is a ValidationError on `field`. */
export function writeOperatorFile(file: string, data: string, field = 'out'): void {
  try {
    fs.writeFileSync(file, data);
  } catch (err) {
    throw new ValidationError(field, `cannot write ${file}: ${whyNot(err, file)}`);
  }
}
