/** Files written so that a reader never sees half of one. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `content` to `file` through a temporary file and a rename, so that a reader sees the old file or
 * the new one, never half of one. Mode 0600: the content is a private key.
 */
export function writeAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
