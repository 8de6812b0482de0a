/**
 * Re-verifies the whole audit log of the configured store (STORE, DATA_DIR, MONGODB_URI), streaming
 * it in pages so memory stays flat however long the log is.
 *
 *   tsx scripts/verify-audit.ts [--expect-head HASH] [--checkpoint FILE [--log-key VKEY]] [--data-dir DIR]
 *                               [--lang zh|en]
 *
 * Prints the entries checked, the head hash and the root of the Merkle tree recomputed from the entries
 * (and whether the tree the store keeps, the one checkpoints are signed over, is that tree).
 * --checkpoint: a checkpoint saved earlier (the signed note of GET /api/v1/audit/checkpoint, or a witness's
 * state file): the log's first `size` entries must still have its root. Its signature is checked with
 * --log-key, or with the keys a witness state file keeps.
 * It speaks Chinese or English (--lang, else the system locale): server/audit/audit-verify-texts.ts.
 * Exit status: 0 when every entry checks out (and the expected head is in the chain, and the checkpoint is
 * a prefix of the log); 1 when an entry is broken — the first one is named with its seq and reason — or the
 * expected head is missing, or the log is shorter than the checkpoint (TRUNCATED) or has another root at
 * its size (REWRITTEN), or the stored tree is not the tree of the entries; 2 for a usage or configuration
 * error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GENESIS_HASH } from '../server/audit/audit-schema';
import { AUDIT_VERIFY_TEXTS } from '../server/audit/audit-verify-texts';
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
import { cliLanguage } from './cli-lang';

class UsageError extends Error {}

// A --lang naming neither language is refused as a usage error, in the locale's language.
const { lang, valid: langValid } = cliLanguage();
const T = AUDIT_VERIFY_TEXTS[lang];

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
    if (typeof state.checkpoint !== 'string') throw new UsageError(T.noCheckpointInJson(file));
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
    if (!key) throw new UsageError(T.notSignedByKey(file));
    return { ...cp, signedBy: `${key.name}+${key.keyId.toString('hex')}` };
  } catch (err) {
    if (err instanceof NoteFormatError) throw new UsageError(T.notCheckpoint(file, err.message));
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
      lang: { type: 'string' },
    },
  });
  if (!langValid) throw new UsageError(T.badLang);
  const expectHead = values['expect-head']?.trim().toLowerCase();
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) {
    throw new UsageError(T.badHead(values['expect-head'] ?? ''));
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
  if (config.STORE === 'sqlite' && !fs.existsSync(file)) throw new UsageError(T.noRegistry(file));
  const stores = await openStores(config);
  try {
    const audit = createAuditService({ audit: stores.audit });
    const started = Date.now();
    const saved = options.checkpoint;
    const result = await audit.verify({ expectHead: options.expectHead, checkpoint: saved, tree: true });
    const stored = await audit.head();
    const where = stores.kind === 'sqlite' ? `sqlite, ${config.DATA_DIR}` : 'mongo';
    console.log(T.checked(where, result.entries, Date.now() - started));
    console.log(T.head(stored.seq, stored.hash, stored.at));

    let ok = true;
    if (result.firstBreak) {
      ok = false;
      console.log(T.broken(result.firstBreak));
      const good = result.verifiedHead;
      console.log(T.lastGood(good.seq, good.hash === GENESIS_HASH ? undefined : good.hash));
    }
    const expected = result.expectedHead;
    if (expected) {
      if (expected.found) {
        console.log(T.expectedFound(expected.hash, expected.seq ?? 0));
      } else if (!result.firstBreak) {
        ok = false;
        console.log(T.expectedMissing(expected.hash, result.verifiedHead.seq));
      } else {
        console.log(T.expectedBeforeBreak(expected.hash));
      }
    }
    const tree = result.tree;
    if (tree) {
      console.log(T.tree(tree.size, tree.rootHash));
      if (tree.storedMatches === false) {
        ok = false;
        console.log(T.treeMismatch);
      }
    }
    const cp = result.checkpoint;
    if (cp && saved) {
      const signed = saved.signedBy ? T.signedBy(saved.signedBy) : T.unsigned;
      if (cp.truncated) {
        ok = false;
        console.log(T.truncated(cp.size, signed, result.entries));
      } else if (!cp.matches) {
        ok = false;
        console.log(T.rewritten(cp.size, cp.rootAtSize ?? '?', signed, cp.rootHash));
      } else {
        console.log(T.checkpointOk(cp.size, signed));
      }
    }
    if (ok) console.log(T.ok);
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
    const message = (error as Error).message;
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      console.error(`${T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message)}\n${T.usage}`);
    else if (error instanceof ConfigError) console.error(error.text(lang));
    else console.error(error instanceof UsageError ? message : error);
    process.exitCode = 2;
  },
);
