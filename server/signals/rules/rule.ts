/**
 * The shape of a risk rule. Each rule is one small module in this folder exporting one `Rule`; the
 * engine (rule-engine.ts) runs every registered rule of a trigger and stores what they raise as
 * deduplicated signals (signal-schema.ts). Adding a rule: write the module, its test (fixtures that
 * must raise it and near-misses that must not), and add it to the list in rules/index.ts.
 */
import type { Auditor } from '../../auditors/auditor-schema';
import type { Body } from '../../bodies/body-schema';
import type { AuditAssignment, AuditVolume, AuditWindow } from '../../certificates/certificate-repository';
import type { Certificate } from '../../certificates/certificate-schema';
import type { ScanEvent } from '../../qr/qr-schema';
import type { DistinctCounter } from '../distinct-counter';
import type { SignalDraft } from '../signal-schema';
import type { RefusedRow } from '../../uploads/upload-rows';

/** Certificates just created or changed by an upload (or a single write) of one body. */
export interface StoredBatch {
  bodyCode: string;
  /** The upload job, when the batch came from one. */
  jobId?: string;
  certificates: readonly Certificate[];
  /** Rows of the same upload batch refused as outside the body's scope or approval (never stored). */
  refused?: readonly RefusedRow[];
  /** When they were stored (ISO timestamp). */
  at: string;
}

/**
 * What upload rules may read: a narrow view of the registry, injected so that each rule is tested with
 * fixtures. Implemented over the repositories by the engine (rule-engine.ts). Every read is index-backed
 * or cached: a batch must never cost a scan of the registry.
 */
export interface RuleContext {
  /** ISO timestamp of the evaluation. */
  now: string;
  /** Audits of each window's auditor overlapping the window (CertificateRepository.findAuditAssignments). */
  auditAssignments(windows: readonly AuditWindow[]): Promise<AuditAssignment[]>;
  /** The certifying body with this code (approved scope, approval state), or undefined. */
  body(code: string): Promise<Body | undefined>;
  /** The certificates of each holder (credit code), oldest first; a holder with none is absent. */
  certificatesOfHolders(creditCodes: readonly string[]): Promise<ReadonlyMap<string, Certificate[]>>;
  /**
   * The certificates of these holders ever suspended or revoked, by holder (a holder with none is
   * absent): one indexed read for a whole batch (CertificateRepository.findSanctionedByCreditCodes).
   */
  sanctionedCertificatesOfHolders(
    creditCodes: readonly string[],
  ): Promise<ReadonlyMap<string, Certificate[]>>;
  /**
   * Each body's certificates with audit data issued in the months from `fromMonth` to `toMonth` (YYYY-MM),
   * their audit man-days and auditor-days (CertificateRepository.auditVolumeByBody), read from the store
   * once per evaluation: every batch stored before counts, whichever instance stored it.
   */
  auditVolumes(fromMonth: string, toMonth: string): Promise<readonly AuditVolume[]>;
  /**
   * The auditor register's registrations with these numbers (normalised: half-width, upper-case), by
   * number, and whether any register was imported at all: with none (`imported` false) the register
   * rules stay silent, since every auditor would look unregistered. One indexed read per evaluation.
   */
  auditorRegister(registrationNumbers: readonly string[]): Promise<AuditorRegisterView>;
}

/** What the register says about a batch's auditors (RuleContext.auditorRegister). */
export interface AuditorRegisterView {
  imported: boolean;
  registrations: ReadonlyMap<string, Auditor>;
}

export interface UploadRule<C extends RuleContext = RuleContext> {
  id: string;
  trigger: 'upload';
  /** Localised titles for the console. */
  title: { zh: string; en: string };
  evaluate(batch: StoredBatch, context: C): Promise<SignalDraft[]>;
}

/**
 * What scan rules may read (scan-rule-runner.ts wires it; apart from RuleContext, which grows the
 * registry reads of upload rules). A scan rule runs on every recorded scan, off the scan's path: what it
 * reads must be cheap in the common case (a valid scan).
 */
export interface ScanRuleContext {
  /** ISO timestamp of the evaluation. */
  now: string;
  /** The registry record of a certificate, undefined when unknown (read only when a rule will raise). */
  findCertificate(publicId: string): Promise<Certificate | undefined>;
  /**
   * Clone detection's tally: distinct networks per certificate over a sliding window, and the count at
   * which a certificate looks cloned. Absent when clone detection is off (CLONED_QR_MIN_NETWORKS=0).
   */
  clonedQr?: { networks: DistinctCounter; minNetworks: number };
}

export interface ScanRule<C extends ScanRuleContext = ScanRuleContext> {
  id: string;
  trigger: 'scan';
  title: { zh: string; en: string };
  evaluate(scan: ScanEvent, context: C): Promise<SignalDraft[]>;
}

export type Rule = UploadRule | ScanRule;
