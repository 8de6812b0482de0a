/**
 * The auditor register: who may audit, for which schemes, and until when, as the CCAA (中国认证认可协会)
 * publishes it for registered auditors (注册审核员): registration number, name, registered fields
 * (schemes), level, and the period the registration is valid. Admins import it from the register's
 * CSV/XLSX export (auditor-register-table.ts reads it); the upload rules check the audit teams that
 * bodies report against it (signals/rules/auditor-register-*.ts).
 */
import { z } from 'zod';
import { normalizeIdentifier } from '../platform/normalize';

/**
 * A registration number as the register prints it (e.g. `2025-N1QMS-1234567`), normalised the way
 * every identifier is (half-width, upper-case, no spaces): a number written in lower case or full-width
 * names the same registration.
 */
export const normalizeRegistrationNumber = (value: string): string => normalizeIdentifier(value);

export const REGISTRATION_NUMBER_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,63}$/;

export const registrationNumberSchema = z
  .string()
  .max(128)
  .transform(normalizeRegistrationNumber)
  .pipe(z.string().regex(REGISTRATION_NUMBER_PATTERN, 'registration number: 4-64 letters, digits and -'));

/** One registration of the register, as stored. Public data: the register itself publishes all of it. */
export const auditorSchema = z
  .object({
    registrationNumber: z.string(),
    name: z.string(),
    /** Scheme codes (schemes.ts) the registration qualifies for, sorted. */
    schemes: z.array(z.string()).min(1),
    /** The level as the register writes it (审核员, 高级审核员, 实习审核员 …), when it gives one. */
    level: z.string().optional(),
    /** First and last day the registration is valid (YYYY-MM-DD, both included). */
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    /** When the import that last wrote it ran, and its id. */
    importedAt: z.iso.datetime(),
    importId: z.string(),
  })
  .meta({ id: 'Auditor' });
export type Auditor = z.infer<typeof auditorSchema>;

/** Whether two entries say the same about a registration (when and by which import aside). */
export function sameRegistration(a: Auditor, b: Auditor): boolean {
  const facts = (x: Auditor) => JSON.stringify({ ...auditorSchema.parse(x), importedAt: '', importId: '' });
  return facts(a) === facts(b);
}

/** A row error of an import: where, what, in both languages. */
export const auditorRowErrorSchema = z.object({
  row: z.number().int(),
  /** The field (registrationNumber, name, schemes, level, validFrom, validTo) or '' for the row. */
  field: z.string(),
  code: z.enum([
    'AUDITOR_ROW_MISSING_FIELD',
    'AUDITOR_ROW_INVALID_NUMBER',
    'AUDITOR_ROW_UNKNOWN_SCHEME',
    'AUDITOR_ROW_INVALID_DATE',
    'AUDITOR_ROW_VALIDITY_REVERSED',
    'AUDITOR_ROW_DUPLICATE',
    'AUDITOR_ROW_INVALID_TEXT',
  ]),
  message: z.object({ zh: z.string(), en: z.string() }),
  /** The registration number as written, when the row has one. */
  registrationNumber: z.string().optional(),
});
export type AuditorRowError = z.infer<typeof auditorRowErrorSchema>;
export type AuditorRowErrorCode = AuditorRowError['code'];

/** Row errors kept in an import's answer at most (the counts stay exact). */
export const MAX_IMPORT_ERRORS = 1_000;

/**
 * What an import answers, shaped like an upload job: its id, state and counts, and the rows refused with
 * their reasons. Valid rows are stored even when others are refused (`completed-with-errors`): a register
 * row is one person's registration, independent of the others.
 */
export const auditorImportSchema = z
  .object({
    id: z.string(),
    state: z.enum(['completed', 'completed-with-errors']),
    fileName: z.string().optional(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    counts: z.object({
      rows: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.number().int(),
    }),
    errors: z.array(auditorRowErrorSchema),
    /** Row errors beyond MAX_IMPORT_ERRORS, not listed. */
    errorsLeftOut: z.number().int(),
    /** Registrations in the register after the import. */
    registerSize: z.number().int(),
  })
  .meta({ id: 'AuditorImport' });
export type AuditorImport = z.infer<typeof auditorImportSchema>;

/** Import query: the file's name and format (else from Content-Type, then the name). */
export const auditorImportQuerySchema = z.strictObject({
  format: z.string().max(16).optional().describe('csv or xlsx; else taken from Content-Type, then fileName'),
  fileName: z.string().min(1).max(255).optional().describe('The name of the file, kept with the import'),
});

export const auditorParamsSchema = z.strictObject({
  registration: registrationNumberSchema.meta({ errorCode: 'INVALID_REGISTRATION_NUMBER' }),
});

/** Audits reported with an auditor: how many, per body and year of the audit's end. */
export interface AuditCount {
  bodyCode: string;
  year: string;
  audits: number;
}
