/**
 * What scripts/verify-audit.ts prints, in Chinese and English (`--lang`, else the system locale:
 * scripts/cli-lang.ts). Hashes, roots and key names stay as they are; the English break reasons are
 * audit-schema.ts describeBreak's.
 */
import type { Lang } from '../platform/i18n';
import { describeBreak, type ChainBreak } from './audit-schema';

export interface AuditVerifyTexts {
  usage: string;
  badLang: string;
  badCommandLine: (what: string | undefined, english: string) => string;
  badHead: (value: string) => string;
  noCheckpointInJson: (file: string) => string;
  notSignedByKey: (file: string) => string;
  notCheckpoint: (file: string, why: string) => string;
  noRegistry: (file: string) => string;
  checked: (where: string, entries: number, ms: number) => string;
  head: (seq: number, hash: string, at: string | undefined) => string;
  broken: (brk: ChainBreak) => string;
  lastGood: (seq: number, hash: string | undefined) => string;
  expectedFound: (hash: string, seq: number) => string;
  expectedMissing: (hash: string, seq: number) => string;
  expectedBeforeBreak: (hash: string) => string;
  tree: (size: number, root: string) => string;
  treeMismatch: string;
  signedBy: (key: string) => string;
  unsigned: string;
  truncated: (size: number, signed: string, entries: number) => string;
  rewritten: (size: number, root: string, signed: string, saved: string) => string;
  checkpointOk: (size: number, signed: string) => string;
  ok: string;
}

const BREAK_ZH: Record<ChainBreak['reason'], (b: ChainBreak) => string> = {
  'seq-gap': (b) => `第 ${b.seq} 条：序号断开（应为第 ${b.expectedSeq ?? '?'} 条；有条目被删除或重新编号）`,
  'prev-mismatch': (b) =>
    b.seq === 1
      ? '第 1 条：前序哈希不符（其 prevHash 不是创世哈希；该条目被改动过）'
      : `第 ${b.seq} 条：前序哈希不符（其 prevHash 不是第 ${b.seq - 1} 条的哈希；那一条被改动并重新计算了哈希，或本条被改动）`,
  'hash-mismatch': (b) => `第 ${b.seq} 条：哈希不符（写入后其字段被改动）`,
  'digest-mismatch': (b) => `第 ${b.seq} 条：摘要不符（与其一同保存的变更内容在写入后被改动）`,
};

export const AUDIT_VERIFY_TEXTS: Record<Lang, AuditVerifyTexts> = {
  zh: {
    usage:
      '用法：tsx scripts/verify-audit.ts [--expect-head 哈希] [--checkpoint 文件 [--log-key 公钥]] ' +
      '[--data-dir 目录] [--lang zh|en]',
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) => (what ? `命令行有误：无法识别或缺少取值的“${what}”。` : '命令行有误。'),
    badHead: (value) => `--expect-head 必须是十六进制的 SHA-256（64 个字符），而不是“${value}”。`,
    noCheckpointInJson: (file) => `${file} 是 JSON，但其中没有检查点。`,
    notSignedByKey: (file) => `${file} 中的检查点不是由所给的日志公钥签名的。`,
    notCheckpoint: (file, why) => `${file} 不是检查点：${why}`,
    noRegistry: (file) => `${file} 处没有数据库。`,
    checked: (where, entries, ms) => `审计日志（${where}）：已在 ${ms} 毫秒内检查 ${entries} 条`,
    head: (seq, hash, at) => `最新条目：第 ${seq} 条 ${hash}${at ? `（${at}）` : ''}`,
    broken: (b) => `已损坏：第一条损坏的条目：${BREAK_ZH[b.reason](b)}`,
    lastGood: (seq, hash) => `最后一条完好的条目：第 ${seq} 条 ${hash ?? '（无：链从开头就断开）'}`,
    expectedFound: (hash, seq) => `预期的最新哈希 ${hash}：位于第 ${seq} 条`,
    expectedMissing: (hash, seq) =>
      `被截断或改写：预期的最新哈希 ${hash} 不在链中（第 ${seq} 条之后的条目被删除，或日志被重建）`,
    expectedBeforeBreak: (hash) => `预期的最新哈希 ${hash}：在损坏处之前未找到`,
    tree: (size, root) => `默克尔树：${size} 个叶子，根 ${root}（由条目重新计算）`,
    treeMismatch: '默克尔树不符：保存的默克尔树（检查点据以签名）不是这些条目的树',
    signedBy: (key) => `签名者 ${key}`,
    unsigned: '未检查签名（未给出 --log-key）',
    truncated: (size, signed, entries) =>
      `被截断：保存的检查点（大小 ${size}，${signed}）比已验证的 ${entries} 条更长：有条目被删除`,
    rewritten: (size, root, signed, saved) =>
      `被改写：在大小 ${size} 处日志的根是 ${root}，保存的检查点（${signed}）记载的是 ${saved}：前 ${size} 条被改写`,
    checkpointOk: (size, signed) => `大小为 ${size} 的检查点（${signed}）：日志仍以它开头`,
    ok: '通过：哈希链完好。',
  },
  en: {
    usage:
      'Usage: tsx scripts/verify-audit.ts [--expect-head HASH] [--checkpoint FILE [--log-key VKEY]] ' +
      '[--data-dir DIR] [--lang zh|en]',
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    badHead: (value) => `--expect-head must be a SHA-256 in hex (64 characters), not "${value}"`,
    noCheckpointInJson: (file) => `${file} is JSON without a checkpoint`,
    notSignedByKey: (file) => `the checkpoint in ${file} is not signed by the log key given`,
    notCheckpoint: (file, why) => `${file} is not a checkpoint: ${why}`,
    noRegistry: (file) => `No registry at ${file}.`,
    checked: (where, entries, ms) => `audit log (${where}): ${entries} entries checked in ${ms} ms`,
    head: (seq, hash, at) => `head: seq ${seq} ${hash}${at ? ` (${at})` : ''}`,
    broken: (b) => `BROKEN: first broken entry: ${describeBreak(b)}`,
    lastGood: (seq, hash) => `last good entry: seq ${seq} ${hash ?? '(none: the chain breaks at its start)'}`,
    expectedFound: (hash, seq) => `expected head ${hash}: found at seq ${seq}`,
    expectedMissing: (hash, seq) =>
      `TRUNCATED OR REWRITTEN: expected head ${hash} is not in the chain ` +
      `(entries after seq ${seq} were removed, or the log was rebuilt)`,
    expectedBeforeBreak: (hash) => `expected head ${hash}: not found before the break`,
    tree: (size, root) => `tree: ${size} leaves, root ${root} (recomputed from the entries)`,
    treeMismatch:
      'TREE MISMATCH: the stored Merkle tree (what checkpoints are signed over) is not the tree of the entries',
    signedBy: (key) => `signed by ${key}`,
    unsigned: 'signature not checked (no --log-key)',
    truncated: (size, signed, entries) =>
      `TRUNCATED: the saved checkpoint (size ${size}, ${signed}) is longer than the ${entries} verified entries: entries were removed`,
    rewritten: (size, root, signed, saved) =>
      `REWRITTEN: at size ${size} the log's root is ${root}, the saved checkpoint (${signed}) says ${saved}: the first ${size} entries were rewritten`,
    checkpointOk: (size, signed) => `checkpoint of size ${size} (${signed}): the log still starts with it`,
    ok: 'OK: the chain is intact.',
  },
};
