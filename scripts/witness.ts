/**
 * A witness of CertWatch's audit log: run by a partner department, on its own machine, every few minutes.
 *
 *   tsx scripts/witness.ts --url URL --state FILE [--key FILE] [--log-key VKEY]...
 *   tsx scripts/witness.ts --new-key FILE --name NAME
 *
 * Fetches the log's signed checkpoint, checks its signature with the log keys it trusts (kept in the state
 * file; on the first run, those given with --log-key, else the ones the portal publishes), and checks that
 * the log only grew since the checkpoint it saw last: same size, same root; larger, a consistency proof
 * (RFC 9162 §2.1.4) from the portal that verifies; smaller, a rollback. Then it saves the new checkpoint
 * and, with --key, cosigns it (C2SP tlog-cosignature) and posts the cosignature back, so that the portal
 * shows "seen by N witnesses". On a failure the state is left as it was and the offending checkpoint is
 * saved beside it as evidence.
 *
 * Exit status: 0 checked (and cosigned); 1 the log is inconsistent, badly signed, or refused the
 * cosignature; 2 a usage, file or network error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ALG_ED25519,
  formatNote,
  generateWitnessKey,
  NoteFormatError,
  parseCheckpointText,
  parseNote,
  parseVkey,
  parseWitnessKey,
  verifyNoteSignature,
  type Checkpoint,
} from '../server/audit/checkpoint';
import { verifyConsistency } from '../server/audit/merkle';

class UsageError extends Error {}
class Inconsistent extends Error {}

interface State {
  url: string;
  origin: string;
  logKeys: string[];
  size: number;
  rootHash: string;
  checkpoint: string;
  checkedAt: string;
}

function writeAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

async function fetchText(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new UsageError(`cannot reach ${url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (res.status === 404 && url.includes('/proofs/consistency'))
    throw new Inconsistent(`the portal has no tree of the size asked (${url}): ${text.slice(0, 200)}`);
  if (!res.ok) throw new UsageError(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

function readState(file: string): State | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as State;
  } catch {
    throw new UsageError(`the state file ${file} is not JSON; move it away to start afresh`);
  }
}

/** The checkpoint in `note`, if a trusted log key signed it; else undefined. */
function checkSignature(note: string, trusted: string[]): Checkpoint | undefined {
  let parsed;
  let cp;
  try {
    parsed = parseNote(note);
    cp = parseCheckpointText(parsed.text);
  } catch (err) {
    if (err instanceof NoteFormatError) return undefined;
    throw err;
  }
  const keys = trusted.map((v) => parseVkey(v, [ALG_ED25519])).filter((k) => k.name === cp.origin);
  const ok = parsed.signatures.some((sig) => keys.some((k) => verifyNoteSignature(k, parsed.text, sig)));
  return ok ? cp : undefined;
}

async function newKey(file: string, name: string | undefined): Promise<number> {
  if (!name) throw new UsageError('--new-key needs --name, e.g. --name fgw.cq.example/witness');
  if (fs.existsSync(file)) throw new UsageError(`${file} exists: a witness key is never overwritten`);
  const text = generateWitnessKey(name);
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  console.log(`witness key written to ${file} (keep it secret). Ask the portal's admin to register:`);
  console.log(parseWitnessKey(text).vkey);
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      url: { type: 'string' },
      state: { type: 'string' },
      key: { type: 'string' },
      'log-key': { type: 'string', multiple: true },
      'new-key': { type: 'string' },
      name: { type: 'string' },
    },
  });
  if (values['new-key']) return newKey(values['new-key'], values.name);
  if (!values.url || !values.state)
    throw new UsageError('usage: witness --url URL --state FILE [--key FILE]');
  const base = values.url.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new UsageError('--url must start with http:// or https://');
  const stateFile = values.state;
  const signer = values.key ? parseWitnessKey(fs.readFileSync(values.key, 'utf8')) : undefined;
  const state = readState(stateFile);
  if (state && state.url !== base)
    throw new UsageError(`${stateFile} is the state of a witness of ${state.url}, not of ${base}`);

  let trusted = [...(state?.logKeys ?? []), ...(values['log-key'] ?? [])];
  if (trusted.length === 0) {
    trusted = (await fetchText(`${base}/api/v1/audit/log-key`)).trim().split('\n');
    console.log(`first run: trusting the log keys the portal publishes now (check them with the bureau):`);
    for (const k of trusted) console.log(`  ${k}`);
  }
  for (const k of trusted) parseVkey(k, [ALG_ED25519]);

  const note = await fetchText(`${base}/api/v1/audit/checkpoint`);
  const evidence = (why: string) => {
    const file = `${stateFile}.evidence-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    writeAtomic(file, `${why}\n\n${note}`);
    return file;
  };
  const cp = checkSignature(note, trusted);
  if (!cp) {
    throw new Inconsistent(
      `SIGNATURE: the checkpoint is not signed by a log key this witness trusts (evidence: ${evidence('bad signature')}). ` +
        'If the bureau announced a new log key, confirm it with them and pass it with --log-key.',
    );
  }
  if (state && cp.origin !== state.origin)
    throw new Inconsistent(`ORIGIN: the checkpoint is of ${cp.origin}, this witness follows ${state.origin}`);
  const rootHash = cp.rootHash.toString('base64');

  if (state) {
    if (cp.size < state.size) {
      const why = `ROLLBACK: the log shrank from ${state.size} to ${cp.size} entries since ${state.checkedAt}: entries were removed (truncated)`;
      throw new Inconsistent(`${why} (evidence: ${evidence(why)})`);
    }
    if (cp.size === state.size && rootHash !== state.rootHash) {
      const why = `REWRITTEN: at the same size ${cp.size} the root is ${rootHash}, not ${state.rootHash} as seen on ${state.checkedAt}`;
      throw new Inconsistent(`${why} (evidence: ${evidence(why)})`);
    }
    if (cp.size > state.size && state.size > 0) {
      const proof = JSON.parse(
        await fetchText(`${base}/api/v1/audit/proofs/consistency?from=${state.size}&to=${cp.size}`),
      ) as { hashes?: unknown };
      const hashes = Array.isArray(proof.hashes)
        ? proof.hashes.map((h) => Buffer.from(String(h), 'base64'))
        : [];
      if (
        !verifyConsistency(state.size, cp.size, Buffer.from(state.rootHash, 'base64'), cp.rootHash, hashes)
      ) {
        const why = `INCONSISTENT: the log of ${cp.size} entries does not extend the log of ${state.size} seen on ${state.checkedAt}: its history was rewritten`;
        throw new Inconsistent(`${why} (evidence: ${evidence(why)})`);
      }
    }
  }

  const next: State = {
    url: base,
    origin: cp.origin,
    logKeys: [...new Set(trusted)],
    size: cp.size,
    rootHash,
    checkpoint: note,
    checkedAt: new Date().toISOString(),
  };
  fs.mkdirSync(path.dirname(path.resolve(stateFile)), { recursive: true });
  writeAtomic(stateFile, `${JSON.stringify(next, null, 2)}\n`);
  console.log(
    state
      ? `OK: ${cp.origin} grew from ${state.size} to ${cp.size} entries, consistently (root ${rootHash})`
      : `OK: ${cp.origin} at ${cp.size} entries (root ${rootHash}) saved as the first checkpoint`,
  );

  if (signer) {
    const parsed = parseNote(note);
    const cosignature = signer.cosign(parsed.text, Math.floor(Date.now() / 1000));
    const own = parsed.signatures.filter((s) => s.name !== signer.name);
    const body = formatNote(parsed.text, [...own, cosignature]);
    const res = await fetch(`${base}/api/v1/audit/cosignatures`, {
      method: 'POST',
      // This tool speaks English: so does a refusal's detail.
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Accept-Language': 'en' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      seenBy?: number;
      code?: string;
      detail?: string;
    };
    if (!res.ok) {
      console.log(`COSIGNATURE REFUSED: ${res.status} ${answer.code ?? ''} ${answer.detail ?? ''}`.trim());
      return 1;
    }
    console.log(`cosigned as ${signer.name}: this checkpoint is seen by ${answer.seenBy ?? '?'} witnesses`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof Inconsistent) {
      console.log(`FAILED: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    const usage =
      error instanceof UsageError ||
      error instanceof NoteFormatError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS') ||
      (error as NodeJS.ErrnoException).code === 'ENOENT';
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
