/**
 * The API's answers the console reads. The workflow's schema modules (tip-, signal-, flag-, case-schema)
 * need Node's types (their id generator), which the browser build has not: the fields the console shows
 * are restated here, and the end-to-end test (test/e2e/inspect.test.ts) runs them against the real API.
 */

import type { Status } from '../../../server/certificates/certificate-schema';
import type { ScanVerdict } from '../../../server/qr/qr-schema';
import type { TipCategoryName } from '../../../server/supervision/report-texts';

/** One page of a list route. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A signal as the API answers it (signal-schema.ts `SignalView`): with its rule's localised title. */
export interface SignalView {
  id: string;
  ruleId: string;
  rule: { id: string; title: { zh: string; en: string } };
  severity: 'low' | 'medium' | 'high';
  subject: { kind: 'certificate' | 'body' | 'organisation' | 'auditor'; key: string; label?: string };
  summary: string;
  evidence: Record<string, unknown>;
  certificatePublicIds: string[];
  bodyCode?: string;
  state: 'open' | 'in-case' | 'dismissed';
  caseId?: string;
  firstRaisedAt: string;
  lastRaisedAt: string;
  occurrences: number;
}

export interface Flag {
  id: string;
  publicId: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  state: 'open' | 'in-case';
  caseId?: string;
}

export interface CaseEvent {
  at: string;
  by: string;
  action: string;
  [detail: string]: unknown;
}

export interface Case {
  id: string;
  reference: string;
  title: string;
  summary?: string;
  state: 'open' | 'confirmed' | 'dismissed';
  assignee?: string;
  publicIds: string[];
  tipIds: string[];
  signalIds: string[];
  flagIds: string[];
  events: CaseEvent[];
  decision?: {
    outcome: 'confirmed' | 'dismissed';
    basis: string;
    facts: string;
    decidedAt: string;
    decidedBy: string;
    statusChange?: { publicId: string; status: string; reason: string; date: string };
    recordIds: string[];
  };
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export type RecordSubject =
  | { kind: 'organisation'; creditCode: string; name: string }
  | { kind: 'body'; bodyCode: string; name: string }
  | { kind: 'auditor'; registrationNumber: string; name: string; bodyCode: string };

export type CaseAction =
  | { action: 'assign'; assignee: string }
  | { action: 'note'; text: string }
  | { action: 'evidence'; description: string; reference?: string }
  | {
      action: 'decide';
      outcome: 'confirmed' | 'dismissed';
      basis: string;
      facts: string;
      statusChange?: {
        publicId: string;
        status: 'suspended' | 'revoked' | 'withdrawn';
        reason: string;
        date: string;
      };
      records?: { subject: RecordSubject; severity: string }[];
    };

/**
 * A tip as inspectors see it (server/supervision/tip-schema.ts `Tip`, whose module needs Node's types:
 * the fields the console shows, restated).
 */
export interface Tip {
  id: string;
  reference: string;
  category: TipCategoryName;
  publicId?: string;
  certificateNumber?: string;
  bodyCode?: string;
  scan?: { verdict: ScanVerdict; text: string };
  certificate?: {
    publicId: string;
    number: string;
    bodyCode?: string;
    holderName: string;
    holderCreditCode: string;
    status: Status;
  };
  description: string;
  place?: string;
  contact?: string;
  hasPhoto: boolean;
  state: 'new' | 'in-case' | 'dismissed';
  caseId?: string;
  receivedAt: string;
}
