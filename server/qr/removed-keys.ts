/**
 * The record of signing keys taken out of a key directory: their kid and date, no key material. The ring
 * publishes them in the JWKS's `removed`, so a verifier tells a withdrawn key from one never issued.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeAtomic } from '../platform/files';

/** A key taken out of the ring: codes it signed no longer verify, and verifiers can say why. */
export interface RemovedKey {
  kid: string;
  removedAt: string;
}

/** Where removed keys leave their kid and date (no key material): DATA_DIR/keys/removed/KID.json. */
const removedDirOf = (dir: string) => path.join(dir, 'removed');

/** The kids removed from `dir`, oldest first; unreadable entries are skipped. */
export function readRemoved(dir: string): RemovedKey[] {
  let names: string[];
  try {
    names = fs.readdirSync(removedDirOf(dir));
  } catch {
    return [];
  }
  const removed: RemovedKey[] = [];
  for (const name of names) {
    try {
      const json = JSON.parse(
        fs.readFileSync(path.join(removedDirOf(dir), name), 'utf8'),
      ) as Partial<RemovedKey>;
      if (typeof json.kid === 'string' && typeof json.removedAt === 'string' && `${json.kid}.json` === name) {
        removed.push({ kid: json.kid, removedAt: json.removedAt });
      }
    } catch {
      // A damaged tombstone only costs the "removed" wording: the key is gone either way.
    }
  }
  return removed.sort((a, b) => a.removedAt.localeCompare(b.removedAt));
}

/** Leaves `kid`'s tombstone in the key directory `dir`. */
export function recordRemoval(dir: string, kid: string, now: Date): void {
  fs.mkdirSync(removedDirOf(dir), { recursive: true, mode: 0o700 });
  writeAtomic(
    path.join(removedDirOf(dir), `${kid}.json`),
    `${JSON.stringify({ kid, removedAt: now.toISOString() })}\n`,
  );
}
