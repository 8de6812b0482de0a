/** The API's answers and requests the console uses: the server's own schema types (types only). */
import type { CaseActionInput, DecideInput } from '../../../server/cases/case-schema';

export type { Case, CaseEvent, CaseRefs, CaseView } from '../../../server/cases/case-schema';
export type { Attachment } from '../../../server/cases/attachment-schema';
export type { Body } from '../../../server/bodies/body-schema';
export type { RuleTitle } from '../../../server/signals/signal-service';
export type { Flag } from '../../../server/cases/flag-schema';
export type { SignalView } from '../../../server/signals/signal-schema';
export type { Tip } from '../../../server/tips/tip-schema';

export type { Page } from '../../../server/platform/paging';

/** The body of PATCH /api/v1/cases/{id}. */
export type CaseAction = CaseActionInput;

/** Whom a dishonesty record of a decision names. */
export type RecordSubject = NonNullable<DecideInput['records']>[number]['subject'];
