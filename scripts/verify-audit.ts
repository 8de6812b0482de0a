/**
 * Re-verifies the whole audit log of the configured store (STORE, DATA_DIR, MONGODB_URI), streaming
 * it in pages so memory stays flat however long the log is.
 *
 *   tsx scripts/verify-audit.ts [--expect-head HASH] [--checkpoint FILE [--log-key VKEY]] [--data-dir DIR]
 *
 * Prints the entries checked, the head hash and the root of the Merkle tree recomputed from the entries
 * (and whether the tree the store keeps, the one checkpoints are signed over, is that tree).
 * --checkpoint: a checkpoint saved earlier (the signed note of GET /api/v1/audit/checkpoint, or a witness's
 * state file): the log's first `size` entries must still have its root. Its signature is checked with
 * --log-key, or with the keys a witness state file keeps.
 * Exit status: 0 when every entry checks out (and the expected head is in the chain, and the checkpoint is
 * a prefix of the log); 1 when an entry is broken — the first one is named with its seq and reason — or the
 * expected head is missing, or the log is shorter than the checkpoint (TRUNCATED) or has another root at
 * its size (REWRITTEN), or the stored tree is not the tree of the entries; 2 for a usage or configuration
 * error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeBreak, GENESIS_HASH } from '../server/audit/audit-schema';
import {
  ALG_ED25519,
  NoteFormatError,
  parseCheckpointText,
  parseNote,
  parseVkey,
  verifyNoteSignature,
  type Checkpoint,
} from '../server/audit/checkpoint';
import { createAuditService } from '../server/audit/audit-service';
import { ConfigError, loadConfig } from '../server/config';
import { openStores } from '../server/composition/stores';

class UsageError extends Error {}

interface SavedCheckpoint extends Checkpoint {
  /** Whether its signature was checked, and by which key. */
  signedBy?: string;
}

/** Reads a saved checkpoint: a signed note, or a witness state file (JSON with `checkpoint`, `logKeys`). */
function readCheckpoint(file: string, logKeys: string[]): SavedCheckpoint {
  let note = fs.readFileSync(file, 'utf8');
  let keys = logKeys;
  if (note.trimStart().startsWith('{')) {
    const state = JSON.parse(note) as { checkpoint?: unknown; logKeys?: unknown };
    if (typeof state.checkpoint !== 'string') throw new UsageError(`${file} is JSON without a checkpoint`);
    note = state.checkpoint;
    if (keys.length === 0 && Array.isArray(state.logKeys)) keys = state.logKeys.map(String);
  }
  try {
    const parsed = parseNote(note);
    const cp = parseCheckpointText(parsed.text);
    if (keys.length === 0) return cp;
    const key = keys
      .map((k) => parseVkey(k, [ALG_ED25519]))
      .find((k) => parsed.signatures.some((sig) => verifyNoteSignature(k, parsed.text, sig)));
    if (!key) throw new UsageError(`the checkpoint in ${file} is not signed by the log key given`);
    return { ...cp, signedBy: `${key.name}+${key.keyId.toString('hex')}` };
  } catch (err) {
    if (err instanceof NoteFormatError) throw new UsageError(`${file} is not a checkpoint: ${err.message}`);
    throw err;
  }
}

function parseOptions(argv: string[]): {
  expectHead?: string;
  dataDir?: string;
  checkpoint?: SavedCheckpoint;
} {
  const { values } = parseArgs({
    args: argv,
    options: {
      'expect-head': { type: 'string' },
      'data-dir': { type: 'string' },
      checkpoint: { type: 'string' },
      'log-key': { type: 'string', multiple: true },
    },
  });
  const expectHead = values['expect-head']?.trim().toLowerCase();
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) {
    throw new UsageError(
      `--expect-head must be a SHA-256 in hex (64 characters), not "${values['expect-head']}"`,
    );
  }
  const checkpoint = values.checkpoint
    ? readCheckpoint(values.checkpoint, values['log-key'] ?? [])
    : undefined;
  return { expectHead, dataDir: values['data-dir'], checkpoint };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const env = { ...process.env, ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) };
  const config = loadConfig(env);
  // Opening a missing registry would create an empty one, and "0 entries, intact" would be a false comfort.
  const file = path.join(config.DATA_DIR, 'registry.sqlite');
  if (config.STORE === 'sqlite' && !fs.existsSync(file)) throw new UsageError(`No registry at ${file}.`);
  const stores = await openStores(config);
  try {
    const audit = createAuditService({ audit: stores.audit });
    const started = Date.now();
    const saved = options.checkpoint;
    const result = await audit.verify({ expectHead: options.expectHead, checkpoint: saved, tree: true });
    const stored = await audit.head();
    const where = stores.kind === 'sqlite' ? `sqlite, ${config.DATA_DIR}` : 'mongo';
    console.log(`audit log (${where}): ${result.entries} entries checked in ${Date.now() - started} ms`);
    console.log(`head: seq ${stored.seq} ${stored.hash}${stored.at ? ` (${stored.at})` : ''}`);

    let ok = true;
    if (result.firstBreak) {
      ok = false;
      console.log(`BROKEN: first broken entry: ${describeBreak(result.firstBreak)}`);
      console.log(
        `last good entry: seq ${result.verifiedHead.seq} ${result.verifiedHead.hash === GENESIS_HASH ? '(none: the chain breaks at its start)' : result.verifiedHead.hash}`,
      );
    }
    const expected = result.expectedHead;
    if (expected) {
      if (expected.found) {
        console.log(`expected head ${expected.hash}: found at seq ${expected.seq ?? 0}`);
      } else if (!result.firstBreak) {
        ok = false;
        console.log(
          `TRUNCATED OR REWRITTEN: expected head ${expected.hash} is not in the chain ` +
            `(entries after seq ${result.verifiedHead.seq} were removed, or the log was rebuilt)`,
        );
      } else {
        console.log(`expected head ${expected.hash}: not found before the break`);
      }
    }
    const tree = result.tree;
    if (tree) {
      console.log(`tree: ${tree.size} leaves, root ${tree.rootHash} (recomputed from the entries)`);
      if (tree.storedMatches === false) {
        ok = false;
        console.log(
          'TREE MISMATCH: the stored Merkle tree (what checkpoints are signed over) is not the tree of the entries',
        );
      }
    }
    const cp = result.checkpoint;
    if (cp && saved) {
      const signed = saved.signedBy ? `signed by ${saved.signedBy}` : 'signature not checked (no --log-key)';
      if (cp.truncated) {
        ok = false;
        console.log(
          `TRUNCATED: the saved checkpoint (size ${cp.size}, ${signed}) is longer than the ${result.entries} verified entries: entries were removed`,
        );
      } else if (!cp.matches) {
        ok = false;
        console.log(
          `REWRITTEN: at size ${cp.size} the log's root is ${cp.rootAtSize ?? '?'}, the saved checkpoint (${signed}) says ${cp.rootHash}: the first ${cp.size} entries were rewritten`,
        );
      } else {
        console.log(`checkpoint of size ${cp.size} (${signed}): the log still starts with it`);
      }
    }
    if (ok) console.log('OK: the chain is intact.');
    return ok ? 0 : 1;
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
