import { Router } from 'express';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { uploadFormatOf } from '../uploads/upload-parsers';
import { auditorImportQuerySchema, auditorImportSchema } from './auditor-schema';
import type { AuditorService } from './auditor-service';

/** The auditor register's admin API: imports of the register's CSV/XLSX export. */
export function auditorRoutes(services: { auditors: AuditorService }, openapi: OpenApiRegistry): Router {
  const { auditors } = services;
  const router = Router();

  openapi.add({
    method: 'post',
    path: '/api/v1/auditors/imports',
    summary: 'Import the auditor register (CCAA export, CSV or XLSX), streamed',
    description:
      'The request body is the file itself (not multipart). One row per registration: 注册号, 姓名, 注册领域 ' +
      '(schemes), optional 注册级别, and the validity (有效期起 + 有效期至, or 有效期 as a range). Valid rows are ' +
      'stored (a registration already in the register is replaced), refused rows come back with their reasons ' +
      `in Chinese and English. Files over ${auditors.maxBytes} bytes get 413.`,
    tags: ['auditors'],
    roles: ['admin'],
    query: auditorImportQuerySchema,
    bodyMedia: {
      description: 'The file, as is (streamed; not multipart)',
      contentTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
    responses: { 201: auditorImportSchema },
    problems: problemResponses(400, 401, 403, 413, 415, 429),
  });
  router.post('/auditors/imports', async (req, res) => {
    try {
      const principal = assertRole(res, 'admin');
      const query = parseInput(auditorImportQuerySchema, req.query, 'INVALID_QUERY');
      const format = uploadFormatOf({
        format: query.format,
        contentType: req.get('content-type'),
        fileName: query.fileName,
      });
      if (format === 'ndjson') {
        throw new AppError('UNSUPPORTED_UPLOAD_FORMAT', 'The auditor register is imported from CSV or XLSX');
      }
      const length = Number(req.get('content-length') ?? 0);
      if (length > auditors.maxBytes) {
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `The register file is larger than ${auditors.maxBytes} bytes`,
          {
            details: { maxBytes: auditors.maxBytes },
          },
        );
      }
      const result = await auditors.importRegister({
        source: req,
        format,
        fileName: query.fileName,
        actor: actorOf(principal),
      });
      res.status(201).json(result);
    } catch (err) {
      // Refused part-way through the file: the rest is not worth reading.
      if (!req.complete) res.set('Connection', 'close');
      throw err;
    }
  });

  return router;
}
