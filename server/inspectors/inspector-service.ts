import type { AuditService } from '../audit/audit-service';
import type { Actor } from '../audit/audit-schema';
import { AppError } from '../platform/errors';
import { createKeyedLock } from '../platform/keyed-lock';
import type { InspectorRepository } from './inspector-repository';
import type {
  Conflict,
  ConflictInput,
  CreateInspectorRequest,
  Inspector,
  UpdateInspectorRequest,
} from './inspector-schema';

export interface InspectorService {
  /** The inspector with this id; INSPECTOR_NOT_FOUND when there is none. */
  get(id: string): Promise<Inspector>;
  /** The directory in id order, optionally only active or inactive inspectors. */
  list(filter?: { active?: boolean }): Promise<Inspector[]>;
  /** Registers an inspector (audited); INSPECTOR_EXISTS when the id is taken. */
  create(request: CreateInspectorRequest, actor: Actor): Promise<Inspector>;
  /** Changes name, unit, active flag or the declared conflicts (audited); the same values again change nothing. */
  update(id: string, patch: UpdateInspectorRequest, actor: Actor): Promise<Inspector>;
}

/** Declared conflicts with their declaration times: a conflict declared before keeps its first time. */
function withDeclarationTimes(inputs: ConflictInput[], before: Conflict[], at: string): Conflict[] {
  const earlier = new Map(before.map((c) => [`${c.kind}:${c.code}`, c.declaredAt]));
  return inputs.map((c) => ({ ...c, declaredAt: earlier.get(`${c.kind}:${c.code}`) ?? at }));
}

/** What changed, field by field (for the audit log); empty when nothing did. */
function changedFields(before: Inspector, after: Inspector): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['name', 'unit', 'active', 'conflicts'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key], to: after[key] };
    }
  }
  return changes;
}

export function createInspectorService(deps: {
  inspectors: InspectorRepository;
  audit: AuditService;
  now?: () => string;
}): InspectorService {
  const { inspectors, audit } = deps;
  const now = deps.now ?? (() => new Date().toISOString());
  // Create-if-absent and read-modify-write of one inspector run one at a time in this process.
  const lock = createKeyedLock();

  async function get(id: string): Promise<Inspector> {
    const found = await inspectors.findById(id);
    if (!found) throw new AppError('INSPECTOR_NOT_FOUND', `No inspector has the id ${id}.`);
    return found;
  }

  return {
    get,

    list: (filter = {}) => inspectors.list(filter),

    create(request, actor) {
      return lock.run(request.id, async () => {
        const exists = () =>
          new AppError('INSPECTOR_EXISTS', `An inspector with the id ${request.id} exists.`);
        if (await inspectors.findById(request.id)) throw exists();
        const at = now();
        const inspector: Inspector = {
          id: request.id,
          name: request.name,
          unit: request.unit,
          active: request.active,
          conflicts: withDeclarationTimes(request.conflicts, [], at),
          createdAt: at,
          updatedAt: at,
        };
        // Another instance may have won the race: the store's unique id decides.
        await inspectors.create(inspector).catch(async (error: unknown) => {
          if (await inspectors.findById(request.id)) throw exists();
          throw error;
        });
        await audit.record(actor, 'inspector.create', { type: 'inspector', id: inspector.id }, inspector);
        return inspector;
      });
    },

    update(id, patch, actor) {
      return lock.run(id, async () => {
        const before = await get(id);
        const at = now();
        const after: Inspector = {
          ...before,
          name: patch.name ?? before.name,
          unit: patch.unit ?? before.unit,
          active: patch.active ?? before.active,
          conflicts: patch.conflicts
            ? withDeclarationTimes(patch.conflicts, before.conflicts, at)
            : before.conflicts,
          updatedAt: at,
        };
        const changes = changedFields(before, after);
        if (Object.keys(changes).length === 0) return before;
        const stored = await inspectors.replace(after);
        if (!stored) throw new AppError('INSPECTOR_NOT_FOUND', `No inspector has the id ${id}.`);
        await audit.record(actor, 'inspector.update', { type: 'inspector', id }, { changes });
        return stored;
      });
    },
  };
}
