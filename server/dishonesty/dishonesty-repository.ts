import type { DishonestyRecord, Repair, RepairDecision, SubjectKind } from './dishonesty-schema';

/** What a search of the public list looks for: one organisation's credit code, or part of a name. */
export type ListMatch = { creditCode: string } | { name: string };

/**
 * Dishonesty records and their repair procedures. There is no method to edit or delete a record: a
 * record changes once at most, from `listed` to `repaired`, and only together with the approved
 * decision of one of its repairs (`decideRepair`). Adapters enforce this in the store where they can.
 */
export interface DishonestyRepository {
  /** Stores a new record, exactly as given. Ids are unique: a second record with a taken id is refused (rejects). */
  create(record: DishonestyRecord): Promise<DishonestyRecord>;

  /** The record with this id, in any state, or undefined. */
  findById(id: string): Promise<DishonestyRecord | undefined>;

  /**
   * One page of the listed records (never repaired ones), of one subject kind or all: newest start date
   * first, then newest created, then id. `total` counts every listed record the filter matches.
   * `match` narrows the list: an organisation by its (normalised) credit code, through the subject
   * index; or subjects whose name contains `name` (given normalised and lower-cased; names are compared
   * lower-cased), checked on the listed records only.
   */
  listListed(query: {
    kind?: SubjectKind;
    match?: ListMatch;
    offset: number;
    limit: number;
  }): Promise<{ items: DishonestyRecord[]; total: number }>;

  /**
   * The listed records about these subjects: organisations by credit code, and bodies by body code —
   * a body's own records and those of its auditors. In no particular order; each record once.
   */
  findListedConcerning(query: {
    creditCodes: readonly string[];
    bodyCodes: readonly string[];
  }): Promise<DishonestyRecord[]>;

  /**
   * The listed records naming the auditor with this (normalised) registration number, newest start
   * first. Index-backed (the subject's key), whatever the size of the list.
   */
  findListedAboutAuditor(registrationNumber: string): Promise<DishonestyRecord[]>;

  /**
   * Stores a repair request of an existing record. At most one repair per record awaits its decision:
   * while one does, nothing is stored and the answer is undefined.
   */
  createRepair(repair: Repair): Promise<Repair | undefined>;

  /** The repairs of a record, oldest request first (empty when none, or no such record). */
  listRepairs(recordId: string): Promise<Repair[]>;

  /** The undecided repairs of these records (at most one each), in no particular order. */
  findOpenRepairs(recordIds: readonly string[]): Promise<Repair[]>;

  /**
   * Records the decision on an undecided repair of the record. When it is `approved` the record moves from
   * listed to repaired, superseded by this repair, in the same step. Answers the record and the repair
   * as they now are, or undefined (and changes nothing) when there is no such undecided repair.
   */
  decideRepair(
    recordId: string,
    repairId: string,
    decision: RepairDecision,
  ): Promise<{ record: DishonestyRecord; repair: Repair } | undefined>;
}
