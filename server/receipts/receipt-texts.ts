/**
 * Texts of verification receipts (the printable receipt, its verification page and the in-browser
 * check), in Chinese and English. Certificate labels and statuses come from certificate-texts.ts.
 * Plain text only: pages escape it, the browser inserts it as text.
 */
import type { ErrorTexts, Lang } from '../platform/i18n';

export interface ReceiptTexts {
  title: string;
  verifyTitle: string;
  lead: string;
  /** The server's check of the signature. */
  verdictValid: string;
  verdictValidDetail: string;
  verdictInvalid: string;
  verdictInvalidDetail: string;
  verdictUnknownKey: string;
  verdictUnknownKeyDetail: string;
  verdictRemovedKey: string;
  verdictRemovedKeyDetail: string;
  verdictMalformed: string;
  verdictMalformedDetail: string;
  recordHeading: string;
  receiptNumber: string;
  checkedAt: string;
  /** A check time in China time and UTC. */
  checkedAtValue: (china: string, utc: string) => string;
  statusHeading: string;
  statusAtCheck: string;
  certificateHeading: string;
  bodyCode: string;
  registryHeading: string;
  recordUpdatedAt: string;
  bodyNotInRegistry: string;
  bodyLastReported: string;
  bodyNeverReported: string;
  listings: string;
  noListings: string;
  listingLine: (subject: 'holder' | 'body', severity: string, startDate: string) => string;
  truncatedNote: string;
  currentStatusNote: string;
  currentStatusLink: string;
  qrHeading: string;
  qrCaption: string;
  qrTooLong: string;
  proofHeading: string;
  keyId: string;
  signature: string;
  issuer: string;
  proofHelp: string;
  keysLink: string;
  /** The audit-log proof of the receipt's status entry. */
  logHeading: string;
  logNoEntry: string;
  logNotGiven: (seq: number) => string;
  logEntry: string;
  logEntryValue: (seq: number, action: string, at: string) => string;
  logCheckpoint: string;
  logCheckpointValue: (size: number) => string;
  logLeafHash: string;
  logVerdict: Record<'PROVEN' | 'CHECKPOINT_INVALID' | 'PROOF_INVALID' | 'MALFORMED', string>;
  logHelp: string;
  logCheckpointLink: string;
  logKeyLink: string;
  browserLogChecking: string;
  browserLog: Record<'proven' | 'bad-signature' | 'bad-proof' | 'no-keys' | 'unsupported', string>;
  formHeading: string;
  formLabel: string;
  formHint: string;
  formButton: string;
  /** The in-browser check (receipt.js). */
  browserChecking: string;
  browserVerified: (keysFetchedAt: string, offline: boolean) => string;
  browserAltered: string;
  browserUnknownKey: string;
  browserRemovedKey: string;
  browserMalformed: string;
  browserNoKeys: string;
  browserUnsupported: string;
  browserCheckAgain: string;
  browserPasted: (number: string, holder: string, checkedAt: string) => string;
  print: string;
}

const zh: ReceiptTexts = {
  title: '证书核验回执',
  verifyTitle: '核验回执真伪',
  lead: '本回执记录了一次证书核验：核验时间、证书信息、当时的证书状态和登记库数据，并由本平台以电子签名签发。',
  verdictValid: '✓ 回执真实：签名有效',
  verdictValidDetail: '本回执由本平台签发，签名核对无误，内容未被改动。下列内容是核验当时登记库的记录。',
  verdictInvalid: '✗ 回执无效：签名不符',
  verdictInvalidDetail: '回执内容或签名被改动过，不能作为核验记录。请以证书查验页面的当前结果为准。',
  verdictUnknownKey: '✗ 回执无效：签名密钥未知',
  verdictUnknownKeyDetail: '签署本回执的密钥不是本平台公布的密钥（可能伪造，或密钥已停用）。',
  verdictRemovedKey: '✗ 回执无效：签名密钥已停用',
  verdictRemovedKeyDetail:
    '签署本回执的密钥已被本平台停用，本回执不再作为核验记录。如需记录，请重新核验证书并保存新回执。',
  verdictMalformed: '✗ 回执无效：格式不正确',
  verdictMalformedDetail: '这不是本平台签发的完整回执，可能被截断或改动。',
  recordHeading: '核验记录',
  receiptNumber: '回执编号',
  checkedAt: '核验时间',
  checkedAtValue: (china, utc) => `${china}（北京时间）· ${utc}（UTC）`,
  statusHeading: '核验时的证书状态',
  statusAtCheck: '状态',
  certificateHeading: '证书信息',
  bodyCode: '认证机构代码',
  registryHeading: '核验时的登记库数据',
  recordUpdatedAt: '证书记录最后更新',
  bodyNotInRegistry: '认证机构不在登记库中',
  bodyLastReported: '认证机构最近报送',
  bodyNeverReported: '从未报送',
  listings: '失信名单',
  noListings: '持证组织和认证机构均未列入失信名单',
  listingLine: (subject, severity, startDate) =>
    `${subject === 'holder' ? '持证组织' : '认证机构'}列入失信名单（${severity}，自 ${startDate} 起）`,
  truncatedNote: '较长的文字在回执中截取前 200 个字，以“…”结尾。',
  currentStatusNote: '回执只证明核验当时的结果；证书状态此后可能变化。',
  currentStatusLink: '查看该证书当前状态',
  qrHeading: '扫码复核',
  qrCaption: '扫描此二维码可打开本回执并重新核对签名。',
  qrTooLong: '本回执内容过长，无法放入二维码；请保存本页链接以便复核。',
  proofHeading: '签名信息',
  keyId: '密钥编号（kid）',
  signature: '签名（Ed25519，base64url）',
  issuer: '签发平台',
  proofHelp: '公钥公布于下方地址；任何人都可按公开的回执格式说明自行核对签名。',
  keysLink: '回执公钥（JWKS）',
  logHeading: '审计日志证明',
  logNoEntry: '该证书在审计日志中没有单独的状态变更记录（仅经批量报送），本回执不附日志证明。',
  logNotGiven: (seq) => `本回执记载的状态记录为审计日志第 ${seq} 条；本页地址未附其证明。`,
  logEntry: '状态记录',
  logEntryValue: (seq, action, at) => `审计日志第 ${seq} 条（${action}，${at} 北京时间）`,
  logCheckpoint: '检查点',
  logCheckpointValue: (size) => `日志共 ${size} 条时的签名检查点`,
  logLeafHash: '叶子哈希',
  logVerdict: {
    PROVEN: '服务器核对：该状态记录包含在审计日志签名检查点中。',
    CHECKPOINT_INVALID: '服务器核对：检查点不是本平台审计日志签署的。',
    PROOF_INVALID: '服务器核对：证明不成立，或不是本回执所载的状态记录。',
    MALFORMED: '服务器核对：本页地址中的日志证明不完整。',
  },
  logHelp:
    '审计日志是只增不改的默克尔树（RFC 9162），检查点由日志密钥签名并经合作部门见证；凭此证明，任何人都可核实平台当时的记录此后未被改写。',
  logCheckpointLink: '当前检查点',
  logKeyLink: '日志公钥',
  browserLogChecking: '正在本机核对日志证明…',
  browserLog: {
    proven: '本机核对日志证明：成立（检查点签名有效，证明通向其根哈希）。',
    'bad-signature': '本机核对日志证明：检查点签名不符。',
    'bad-proof': '本机核对日志证明：不成立。',
    'no-keys': '本机没有保存过日志公钥，联网后才能核对日志证明。',
    unsupported: '此浏览器无法核对日志证明，请以服务器核对结果为准。',
  },
  formHeading: '核验一份回执',
  formLabel: '回执链接或回执码',
  formHint: '粘贴回执二维码中的链接，或以 r1. 开头的回执码。',
  formButton: '核验',
  browserChecking: '正在本机核对签名…',
  browserVerified: (when, offline) =>
    `本机已核对签名：有效（公钥获取于 ${when}${offline ? '，离线核对' : ''}）。`,
  browserAltered: '本机核对签名：不符，回执被改动过。',
  browserUnknownKey: '本机核对签名：密钥未知，不是本平台公布的密钥。',
  browserRemovedKey: '本机核对签名：签名密钥已被本平台停用。',
  browserMalformed: '本机核对：这不是完整的回执。',
  browserNoKeys: '本机没有保存过公钥，联网后才能核对签名。',
  browserUnsupported: '此浏览器不支持 Ed25519 签名核对，请以服务器核对结果为准。',
  browserCheckAgain: '再次核对签名',
  browserPasted: (number, holder, checkedAt) => `回执内容：证书 ${number}，${holder}，核验于 ${checkedAt}。`,
  print: '打印回执',
};

const en: ReceiptTexts = {
  title: 'Certificate check receipt',
  verifyTitle: 'Verify a receipt',
  lead: "This receipt records one check of a certificate: when it was made, the certificate, its status and the registry's data at that moment, signed electronically by this portal.",
  verdictValid: '✓ Genuine receipt: signature valid',
  verdictValidDetail:
    "This portal issued this receipt; its signature checks and its content is unchanged. What follows is the registry's record at the time of the check.",
  verdictInvalid: '✗ Not valid: the signature does not match',
  verdictInvalidDetail:
    'The content or the signature of this receipt was changed: it is no record of a check. Rely on the certificate’s current result page instead.',
  verdictUnknownKey: '✗ Not valid: unknown signing key',
  verdictUnknownKeyDetail:
    'The key that signed this receipt is not one this portal publishes (a forgery, or a key taken out of use).',
  verdictRemovedKey: '✗ Not valid: the signing key was withdrawn',
  verdictRemovedKeyDetail:
    'This portal withdrew the key that signed this receipt; it no longer stands as a record. Check the certificate again and keep a new receipt.',
  verdictMalformed: '✗ Not valid: not a well-formed receipt',
  verdictMalformedDetail: 'This is not a whole receipt of this portal: it may be cut short or changed.',
  recordHeading: 'The check',
  receiptNumber: 'Receipt number',
  checkedAt: 'Checked at',
  checkedAtValue: (china, utc) => `${china} (China time) · ${utc} (UTC)`,
  statusHeading: 'Certificate status at the time of the check',
  statusAtCheck: 'Status',
  certificateHeading: 'Certificate',
  bodyCode: 'Body code',
  registryHeading: 'Registry data at the time of the check',
  recordUpdatedAt: 'Certificate record last changed',
  bodyNotInRegistry: 'The certifying body is not in the registry',
  bodyLastReported: 'Body last reported',
  bodyNeverReported: 'never',
  listings: 'Dishonesty list',
  noListings: 'Neither the holder nor the body is on the dishonesty list',
  listingLine: (subject, severity, startDate) =>
    `The ${subject === 'holder' ? 'holder' : 'certifying body'} is on the dishonesty list (${severity}, since ${startDate})`,
  truncatedNote: 'Long texts are cut at 200 characters in a receipt, ending with “…”.',
  currentStatusNote:
    'A receipt proves the result at the time of the check only; the status may have changed since.',
  currentStatusLink: 'See the certificate’s current status',
  qrHeading: 'Scan to re-check',
  qrCaption: 'Scanning this code opens this receipt and checks its signature again.',
  qrTooLong: 'This receipt is too long for a QR code; keep the link of this page to re-check it.',
  proofHeading: 'Signature',
  keyId: 'Key id (kid)',
  signature: 'Signature (Ed25519, base64url)',
  issuer: 'Issued by',
  proofHelp:
    'The public keys are published at the address below; anyone can check the signature by the published receipt format.',
  keysLink: 'Receipt keys (JWKS)',
  logHeading: 'Proof in the audit log',
  logNoEntry:
    'This certificate has no status entry of its own in the audit log (it was only reported in bulk uploads), so this receipt carries no log proof.',
  logNotGiven: (seq) =>
    `The status entry this receipt names is entry ${seq} of the audit log; this page's address carries no proof of it.`,
  logEntry: 'Status entry',
  logEntryValue: (seq, action, at) => `Audit log entry ${seq} (${action}, ${at} China time)`,
  logCheckpoint: 'Checkpoint',
  logCheckpointValue: (size) => `The signed checkpoint of the log at ${size} entries`,
  logLeafHash: 'Leaf hash',
  logVerdict: {
    PROVEN: 'Checked on the server: this status entry is in the signed checkpoint of the audit log.',
    CHECKPOINT_INVALID: 'Checked on the server: the checkpoint was not signed by this portal’s audit log.',
    PROOF_INVALID:
      'Checked on the server: the proof fails, or is not of the status entry this receipt names.',
    MALFORMED: 'Checked on the server: the log proof in this page’s address is not whole.',
  },
  logHelp:
    'The audit log is an append-only Merkle tree (RFC 9162); its checkpoints are signed by the log key and cosigned by witnesses. With this proof anyone can check that what the registry said then was not rewritten since.',
  logCheckpointLink: 'Current checkpoint',
  logKeyLink: 'Log key',
  browserLogChecking: 'Checking the log proof in this browser…',
  browserLog: {
    proven:
      'Log proof checked in this browser: it holds (the checkpoint is signed, the proof leads to its root).',
    'bad-signature': 'Log proof checked in this browser: the checkpoint signature does not match.',
    'bad-proof': 'Log proof checked in this browser: it fails.',
    'no-keys': 'No log key is saved on this device: go online once to check the log proof.',
    unsupported: 'This browser cannot check the log proof; rely on the server’s check.',
  },
  formHeading: 'Verify a receipt',
  formLabel: 'Receipt link or code',
  formHint: 'Paste the link in a receipt’s QR code, or the receipt code starting with r1.',
  formButton: 'Verify',
  browserChecking: 'Checking the signature in this browser…',
  browserVerified: (when, offline) =>
    `Signature checked in this browser: valid (keys fetched ${when}${offline ? ', checked offline' : ''}).`,
  browserAltered: 'Signature checked in this browser: it does not match; the receipt was changed.',
  browserUnknownKey: 'Signature checked in this browser: unknown key, not one this portal publishes.',
  browserRemovedKey: 'Signature checked in this browser: the signing key was withdrawn by this portal.',
  browserMalformed: 'Checked in this browser: this is not a whole receipt.',
  browserNoKeys: 'No keys are saved on this device yet: go online once to check signatures.',
  browserUnsupported: 'This browser cannot check Ed25519 signatures; rely on the server’s check above.',
  browserCheckAgain: 'Check the signature again',
  browserPasted: (number, holder, checkedAt) =>
    `The receipt says: certificate ${number}, ${holder}, checked at ${checkedAt}.`,
  print: 'Print the receipt',
};

export const RECEIPT_TEXTS: Record<Lang, ReceiptTexts> = { zh, en };

export function receiptTextsFor(lang: Lang): ReceiptTexts {
  return RECEIPT_TEXTS[lang];
}

/** Errors of receipts. */
export const RECEIPT_ERROR_TEXT = {
  RECEIPT_MALFORMED: {
    zh: '这不是完整的核验回执（应为 r1. 开头的回执码或含回执码的链接），可能被截断或改动。',
    en: 'This is not a whole verification receipt (a code starting with r1., or a link holding one); it may be cut short or changed.',
  },
} satisfies ErrorTexts<'RECEIPT_MALFORMED'>;
