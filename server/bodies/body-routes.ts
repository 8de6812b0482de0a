import { Router } from 'express';
import { z } from 'zod';
import type { AuditService } from '../audit/audit-service';
import type { BodyService } from './body-service';
import { actorOf } from '../audit/audit-service';
import { findScheme, SCHEME_CODES } from '../schemes/schemes';
import { assertActsForBody, assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { createKeyedLock } from '../platform/keyed-lock';
import { hasForbiddenCharacters, normalizeIdentifier, normalizeText } from '../platform/normalize';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { approvalHistoryOf, withApprovalChange, type ApprovalWindow } from './body-approval';
import { approvalChangeSchema, bodyCodeSchema, bodySchema, type Body } from './body-schema';

/** Free text of a body record: no control or invisible characters, half-width, trimmed. */
const text = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'must not contain control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .transform(normalizeText)
    .pipe(z.string().min(min).max(max));

/** A body code as typed in a path or a request: normalised (half-width, upper-case), then checked. */
export const bodyCodeInput = z
  .string()
  .max(64)
  .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
  .transform(normalizeIdentifier)
  .pipe(bodyCodeSchema)
  .meta({ errorCode: 'INVALID_BODY_CODE' });

/** Scheme codes of the approved scope: each a known scheme (UNKNOWN_SCHEME), canonical, without repeats. */
const approvedSchemesInput = z
  .array(
    z
      .string()
      .max(32)
      .refine((v) => findScheme(v) !== undefined, {
        message: `scheme must be one of ${SCHEME_CODES.join(', ')}`,
        params: { code: 'UNKNOWN_SCHEME' },
      })
      .transform((v) => findScheme(v)?.code as string),
  )
  .max(SCHEME_CODES.length * 2)
  .transform((codes) => [...new Set(codes)]);

/** Industry codes (IAF/CNAS style: `18`, `19.05.01`), normalised, without repeats. */
const industryCodesInput = z
  .array(
    z
      .string()
      .max(32)
      .transform(normalizeIdentifier)
      .pipe(z.string().regex(/^[0-9A-Z][0-9A-Z.]{0,15}$/, 'industry code: letters, digits and dots')),
  )
  .max(500)
  .transform((codes) => [...new Set(codes)]);

const adminFields = {
  name: text(1, 200),
  nameEn: text(1, 200).optional(),
  approvalNumber: bodySchema.shape.approvalNumber,
  approvalStatus: bodySchema.shape.approvalStatus,
  approvalStatusDate: bodySchema.shape.approvalStatusDate,
  approvedSchemes: approvedSchemesInput.default([]),
  approvedIndustryCodes: industryCodesInput.default([]),
};

/** An approval history given with a new body (imported from the CNCA register): at most one change a day. */
const approvalHistoryInput = z
  .array(approvalChangeSchema.omit({ recordedAt: true }).strict())
  .min(1)
  .max(1000)
  .refine((changes) => new Set(changes.map((c) => c.from)).size === changes.length, {
    message: 'one change of approval per day at most',
  });

const NEEDS_DATE = 'the date of the approval status is required when it is suspended or withdrawn';

/** POST /bodies: a new body. Its report time is not the admin's to set: reports set it. */
export const createBodySchema = bodySchema
  .omit({ lastReportedAt: true })
  .extend({ code: bodyCodeInput, ...adminFields, approvalHistory: approvalHistoryInput.optional() })
  .strict()
  .refine((b) => b.approvalStatus === 'approved' || b.approvalStatusDate !== undefined, {
    message: NEEDS_DATE,
    path: ['approvalStatusDate'],
  })
  .refine(
    (b) => {
      const latest = [...(b.approvalHistory ?? [])].sort((x, y) => (x.from < y.from ? -1 : 1)).pop();
      return !latest || (latest.status === b.approvalStatus && latest.from === b.approvalStatusDate);
    },
    {
      message: 'the latest change of the approval history must be the approval status and its date',
      path: ['approvalHistory'],
    },
  );

/** PATCH /bodies/:code: any of the admin fields; `null` removes the English name, phone or website. */
export const updateBodySchema = z
  .strictObject({
    name: adminFields.name.optional(),
    nameEn: text(1, 200).nullable().optional(),
    phone: bodySchema.shape.phone.unwrap().nullable().optional(),
    website: bodySchema.shape.website.unwrap().nullable().optional(),
    approvalNumber: adminFields.approvalNumber.optional(),
    approvalStatus: adminFields.approvalStatus.optional(),
    approvalStatusDate: bodySchema.shape.approvalStatusDate,
    approvedSchemes: approvedSchemesInput.optional(),
    approvedIndustryCodes: industryCodesInput.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'nothing to change' })
  .refine((p) => p.approvalStatus === undefined || p.approvalStatusDate !== undefined, {
    message: 'a change of approval status needs its date (approvalStatusDate)',
    path: ['approvalStatusDate'],
  });

export const confirmationSchema = z.strictObject({
  /** What the body says it confirms, e.g. the period (`2026-05`); kept in the audit log. */
  note: text(1, 500).optional(),
});

const codeParams = z.strictObject({ code: bodyCodeInput });

export const bodyViewSchema = bodySchema.meta({ id: 'Body' });
export const bodyListSchema = z.object({ items: z.array(bodyViewSchema) }).meta({ id: 'BodyList' });
export const confirmationResultSchema = z
  .object({ code: z.string(), lastReportedAt: z.iso.datetime() })
  .meta({ id: 'Confirmation' });

type BodyPatch = z.output<typeof updateBodySchema>;

/** The body with `patch` applied; a null (English name, phone, website) removes the field. */
function applyPatch(body: Body, patch: BodyPatch): Body {
  const next: Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as Body;
}

/** What a patch changed, field by field (for the audit log); empty when it changed nothing. */
function changedFields(before: Body, after: Body): Record<string, { from: unknown; to: unknown }> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as (keyof Body)[]);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
    }
  }
  return changes;
}

/** The certifying bodies register (admin), a body's view of itself, and "nothing changed" confirmations. */
export function bodyRoutes(
  services: { bodies: BodyService; audit: AuditService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { bodies, audit } = services;
  // Create-if-absent and read-modify-write of one body run one at a time (see KeyedLock).
  const lock = createKeyedLock();

  async function find(code: string): Promise<Body | undefined> {
    // The body service lists uncached; the register holds hundreds of bodies at most.
    return (await bodies.list()).find((b) => b.code === code);
  }

  async function existing(code: string): Promise<Body> {
    const body = await find(code);
    if (!body) throw new AppError('BODY_NOT_FOUND', `No certifying body has the code ${code}.`);
    return body;
  }

  openapi.add({
    method: 'get',
    path: '/api/v1/bodies',
    summary: 'List certifying bodies (a body token sees only itself)',
    tags: ['bodies'],
    roles: ['admin', 'inspector', 'body'],
    responses: { 200: bodyListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/bodies', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector', 'body');
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    const all = await bodies.list();
    const items = principal.role === 'body' ? all.filter((b) => b.code === principal.bodyCode) : all;
    res.json({ items });
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/bodies/{code}',
    summary: 'One certifying body with its approval and approved scope',
    description: 'A body token may read only its own body: any other code is 403, whether it exists or not.',
    tags: ['bodies'],
    roles: ['admin', 'inspector', 'body'],
    params: codeParams,
    responses: { 200: bodyViewSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/bodies/:code', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector', 'body');
    const { code } = parseInput(codeParams, req.params);
    if (principal.role === 'body') assertActsForBody(principal, code);
    res.json(await existing(code));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/bodies',
    summary: 'Register a certifying body',
    description: 'Scheme codes must be known schemes. A suspended or withdrawn approval needs its date.',
    tags: ['bodies'],
    roles: ['admin'],
    body: createBodySchema,
    responses: { 201: bodyViewSchema },
    problems: problemResponses(400, 401, 403, 409, 429),
  });
  router.post('/bodies', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const input = parseInput(createBodySchema, req.body);
    const created = await lock.run(input.code, async () => {
      if (await find(input.code)) {
        throw new AppError('BODY_EXISTS', `A certifying body with the code ${input.code} already exists.`);
      }
      const parsed = bodySchema.parse(input);
      // The history starts as given, or from what the status says (approval year, then the change).
      const stored = await bodies.upsert({ ...parsed, approvalHistory: approvalHistoryOf(parsed) });
      await audit.record(actorOf(principal), 'body.create', { type: 'body', id: stored.code }, stored);
      return stored;
    });
    res.status(201).json(created);
  });

  openapi.add({
    method: 'patch',
    path: '/api/v1/bodies/{code}',
    summary: "Update a body's name, approval (status and date) or approved scope",
    description:
      "A change of approval status needs `approvalStatusDate`, the day it takes effect: it joins the approval history there (a change recorded late splits the period it falls in), the body's certificates issued from that day until the next change are checked again, and public lookups show the new approval at once. `nameEn: null` removes the English name.",
    tags: ['bodies'],
    roles: ['admin'],
    params: codeParams,
    body: updateBodySchema,
    responses: { 200: bodyViewSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.patch('/bodies/:code', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const { code } = parseInput(codeParams, req.params);
    const patch = parseInput(updateBodySchema, req.body);
    const updated = await lock.run(code, async () => {
      const before = await existing(code);
      const { approvalStatus, approvalStatusDate, ...rest } = patch;
      let after = bodySchema.parse(applyPatch(before, rest));
      let approvalChange:
        { status: Body['approvalStatus']; from: string; window: ApprovalWindow } | undefined;
      if (approvalStatusDate !== undefined) {
        // A change of approval (a date alone: of the current status) joins the history at its effective
        // date, however late it is recorded.
        const change = {
          status: approvalStatus ?? before.approvalStatus,
          from: approvalStatusDate,
          recordedAt: new Date().toISOString(),
        };
        const known = approvalHistoryOf(before).find((c) => c.from === change.from);
        if (known?.status !== change.status) {
          const joined = withApprovalChange(after, change);
          after = joined.body;
          approvalChange = { status: change.status, from: change.from, window: joined.window };
        }
      }
      const changes = changedFields(before, after);
      // The same values again: no write, no audit entry.
      if (Object.keys(changes).length === 0) return before;
      const stored = await bodies.upsert(after);
      const { approvalHistory: _h, ...changed } = changes;
      await audit.record(
        actorOf(principal),
        'body.update',
        { type: 'body', id: code },
        { changes: changed, ...(approvalChange ? { approvalChange } : {}) },
      );
      if (approvalChange) await bodies.approvalChanged(stored, approvalChange.window);
      return stored;
    });
    res.json(updated);
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/bodies/{code}/confirmations',
    summary: "Confirm that nothing changed this period (updates the body's last report time)",
    tags: ['bodies'],
    roles: ['admin', 'body'],
    params: codeParams,
    body: confirmationSchema,
    responses: { 200: confirmationResultSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.post('/bodies/:code/confirmations', async (req, res) => {
    const principal = assertRole(res, 'admin', 'body');
    const { code } = parseInput(codeParams, req.params);
    assertActsForBody(principal, code);
    // A confirmation may come with no body at all.
    const { note } = parseInput(confirmationSchema, req.body ?? {});
    await existing(code);
    const at = new Date().toISOString();
    await bodies.recordReport(code, at);
    await audit.record(
      actorOf(principal),
      'body.confirm',
      { type: 'body', id: code },
      {
        lastReportedAt: at,
        note,
      },
    );
    res.json({ code, lastReportedAt: at });
  });

  return router;
}
