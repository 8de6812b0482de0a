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

/** A file written as a stream, hashed (SHA-256) and counted as it goes. */
export interface HashedFileWriter {
  /** Appends text; resolves once the stream can take more (backpressure), so memory stays flat. */
  write(text: string): Promise<void>;
  /** Flushes, fsyncs and closes the file: its size and SHA-256 (hex). */
  close(): Promise<{ bytes: number; sha256: string }>;
}

/**
 * Writes `file` as a stream. Meant for a file inside a directory that is made visible whole by a rename
 * (so a reader never sees half of it); the file itself is readable by all (mode 0644).
 */
export function createHashedFile(file: string): HashedFileWriter {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'wx', 0o644);
  const stream = fs.createWriteStream('', { fd, autoClose: false });
  let bytes = 0;
  let failed: Error | undefined;
  stream.on('error', (err) => {
    failed = err;
  });
  return {
    async write(text) {
      if (failed) throw failed;
      const chunk = Buffer.from(text, 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      if (!stream.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          const done = (err?: Error) => {
            stream.off('drain', done);
            stream.off('error', done);
            if (err) reject(err);
            else resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
        });
      }
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (failed) throw failed;
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return { bytes, sha256: hash.digest('hex') };
    },
  };
}
