/**
 * The auditor register's use cases: importing the register's export (admins), the registrations the
 * upload rules check audit teams against, and an auditor's public integrity file.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuditService } from '../audit/audit-service';
import type { Actor } from '../audit/audit-schema';
import type { AuditorAuditCount, CertificateRepository } from '../certificates/certificate-repository';
import type { PublicRecord } from '../dishonesty/dishonesty-schema';
import { AppError } from '../platform/errors';
import { parseCsvTable } from '../uploads/csv-parser';
import { DEFAULT_MAX_ROW_BYTES } from '../uploads/upload-parsers';
import type { Settings } from '../uploads/upload-table';
import { parseXlsxTable } from '../uploads/xlsx-parser';
import type { AuditorRepository } from './auditor-repository';
import { AuditorRegisterTable, type RegisterRow } from './auditor-register-table';
import {
  MAX_IMPORT_ERRORS,
  normalizeRegistrationNumber,
  type Auditor,
  type AuditorImport,
  type AuditorRowError,
} from './auditor-schema';
import { rowErrorText } from './auditor-texts';

/** Registrations written per store call during an import. */
const WRITE_BATCH = 1_000;

export interface ImportRequest {
  source: Readable;
  format: 'csv' | 'xlsx';
  fileName?: string;
  actor: Actor;
}

/** An auditor's public integrity file: the registration, the audits reported with them, their records. */
export interface AuditorProfile {
  auditor: Auditor;
  audits: AuditorAuditCount[];
  records: PublicRecord[];
}

export interface AuditorService {
  /** Imports a register file (CSV or XLSX); throws AppError for a file that cannot be read as a whole. */
  importRegister(request: ImportRequest): Promise<AuditorImport>;
  /** The registration with this number (any case or width), or AUDITOR_NOT_FOUND. */
  profile(registrationNumber: string): Promise<AuditorProfile>;
  /** The most bytes one import takes. */
  readonly maxBytes: number;
}

async function* limited(source: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buffer.length;
    if (bytes > maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The register file is larger than ${maxBytes} bytes`, {
        details: { maxBytes },
      });
    }
    yield buffer;
  }
}

export function createAuditorService(deps: {
  auditors: AuditorRepository;
  registry: Pick<CertificateRepository, 'countAuditsOfAuditor'>;
  dishonesty: { listedAboutAuditor(registrationNumber: string): Promise<PublicRecord[]> };
  audit: AuditService;
  maxBytes: number;
  now?: () => number;
}): AuditorService {
  const { auditors, audit } = deps;
  const now = deps.now ?? Date.now;

  return {
    maxBytes: deps.maxBytes,

    async importRegister({ source, format, fileName, actor }) {
      const id = randomBytes(16).toString('base64url');
      const startedAt = new Date(now()).toISOString();
      const settings: Settings = { maxRowBytes: DEFAULT_MAX_ROW_BYTES, warn: () => undefined };
      const input = Readable.from(limited(source, deps.maxBytes));
      const rows: AsyncIterable<RegisterRow> =
        format === 'csv'
          ? parseCsvTable(input, settings, new AuditorRegisterTable())
          : parseXlsxTable(input, settings, (date1904) => new AuditorRegisterTable(date1904));
      const counts = { rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
      const errors: AuditorRowError[] = [];
      let errorsLeftOut = 0;
      const firstRow = new Map<string, number>();
      let pending: Auditor[] = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const written = await auditors.upsertMany(pending);
        counts.created += written.created;
        counts.updated += written.updated;
        counts.unchanged += written.unchanged;
        pending = [];
      };
      const refuse = (rowErrors: AuditorRowError[]) => {
        counts.rejected += 1;
        for (const e of rowErrors) {
          if (errors.length < MAX_IMPORT_ERRORS) errors.push(e);
          else errorsLeftOut += 1;
        }
      };
      for await (const row of rows) {
        counts.rows += 1;
        if (!row.entry) {
          refuse(row.errors);
          continue;
        }
        const seen = firstRow.get(row.entry.registrationNumber);
        if (seen !== undefined) {
          refuse([
            {
              row: row.row,
              field: 'registrationNumber',
              code: 'AUDITOR_ROW_DUPLICATE',
              message: rowErrorText('AUDITOR_ROW_DUPLICATE', 'registrationNumber', String(seen)),
              registrationNumber: row.entry.registrationNumber,
            },
          ]);
          continue;
        }
        firstRow.set(row.entry.registrationNumber, row.row);
        pending.push({ ...row.entry, importedAt: startedAt, importId: id });
        if (pending.length >= WRITE_BATCH) await flush();
      }
      await flush();
      const result: AuditorImport = {
        id,
        state: counts.rejected > 0 ? 'completed-with-errors' : 'completed',
        ...(fileName ? { fileName } : {}),
        startedAt,
        finishedAt: new Date(now()).toISOString(),
        counts,
        errors,
        errorsLeftOut,
        registerSize: await auditors.count(),
      };
      await audit.record(
        actor,
        'auditors.import',
        { type: 'auditor-register', id },
        {
          fileName,
          counts,
        },
      );
      return result;
    },

    async profile(registrationNumber) {
      const number = normalizeRegistrationNumber(registrationNumber);
      const [auditor] = await auditors.findByRegistrationNumbers([number]);
      if (!auditor)
        throw new AppError('AUDITOR_NOT_FOUND', 'No registration of the auditor register has this number');
      const [audits, records] = await Promise.all([
        deps.registry.countAuditsOfAuditor(number),
        deps.dishonesty.listedAboutAuditor(number),
      ]);
      return { auditor, audits, records };
    },
  };
}
