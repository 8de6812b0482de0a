/**
 * The shape of a risk rule. Each rule is one small module in this folder exporting one `Rule`; the
 * engine (rule-engine.ts) runs every registered rule of a trigger and stores what they raise as
 * deduplicated signals (signal-schema.ts). Adding a rule: write the module, its test (fixtures that
 * must raise it and near-misses that must not), and add it to the list in rules/index.ts.
 */
import type { Certificate } from '../../certificates/certificate-schema';
import type { ScanEvent } from '../../qr/qr-schema';
import type { SignalDraft } from '../signal-schema';

/** Certificates just created or changed by an upload (or a single write) of one body. */
export interface StoredBatch {
  bodyCode: string;
  /** The upload job, when the batch came from one. */
  jobId?: string;
  certificates: readonly Certificate[];
  /** When they were stored (ISO timestamp). */
  at: string;
}

/**
 * What rules may read: a narrow view of the registry and supervision data, injected so that each rule
 * is tested with fixtures. Implemented over the repositories by the engine's wiring.
 */
export interface RuleContext {
  /** ISO timestamp of the evaluation. */
  now: string;
  // The engine's wiring adds the registry reads rules need (e.g. audits of an auditor over a period,
  // certificates of a holder, a body's approval history); each read a rule uses is declared here.
}

export interface UploadRule<C extends RuleContext = RuleContext> {
  id: string;
  trigger: 'upload';
  /** Localised titles for the console. */
  title: { zh: string; en: string };
  evaluate(batch: StoredBatch, context: C): Promise<SignalDraft[]>;
}

export interface ScanRule<C extends RuleContext = RuleContext> {
  id: string;
  trigger: 'scan';
  title: { zh: string; en: string };
  evaluate(scan: ScanEvent, context: C): Promise<SignalDraft[]>;
}

export type Rule = UploadRule | ScanRule;
