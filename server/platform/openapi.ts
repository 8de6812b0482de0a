import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { escapeHtml } from './html';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A non-JSON response (an HTML page, a file) described by its media type. */
export interface MediaResponse {
  description: string;
  contentType: string;
}

export interface OperationSpec {
  method: Method;
  /** OpenAPI path template, e.g. `/api/v1/certificates/{publicId}`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Roles allowed (documented as bearer auth); public when absent. */
  roles?: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A request body that is not JSON (an uploaded file): the media types it may have. */
  bodyMedia?: { description: string; contentTypes: string[] };
  responses: Record<number, z.ZodType | MediaResponse>;
  problems?: number[];
}

export interface OpenApiRegistry {
  add(operation: OperationSpec): void;
  /** The OpenAPI 3.1 document of every operation added so far. */
  document(): Record<string, unknown>;
}

/** The problem statuses an operation can answer with, for `OperationSpec.problems`. */
export function problemResponses(...statuses: number[]): number[] {
  return statuses;
}

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable `code`',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    detail: {
      type: 'string',
      description:
        'In the language asked for (?lang=zh|en on any route, else Accept-Language, else Chinese; ' +
        "Content-Language says which): Chinese gives the code's text, English the particulars",
    },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

export function createOpenApiRegistry(info: {
  title: string;
  version: string;
  serverUrl: string;
}): OpenApiRegistry {
  const operations: OperationSpec[] = [];
  return {
    add(operation) {
      operations.push(operation);
    },
    document() {
      const paths: Record<string, Record<string, unknown>> = {};
      for (const op of operations) {
        const responses: Record<string, unknown> = {};
        for (const [status, r] of Object.entries(op.responses)) {
          responses[status] =
            r instanceof z.ZodType
              ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(r, 'output') } } }
              : { description: r.description, content: { [r.contentType]: {} } };
        }
        for (const status of op.problems ?? []) {
          responses[String(status)] = {
            description: 'Problem',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          };
        }
        (paths[op.path] ??= {})[op.method] = {
          summary: op.summary,
          description: op.description,
          tags: op.tags,
          security: op.roles ? [{ bearer: [] }] : undefined,
          'x-roles': op.roles,
          parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
          requestBody: op.body
            ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } }
            : op.bodyMedia
              ? {
                  required: true,
                  description: op.bodyMedia.description,
                  content: Object.fromEntries(
                    op.bodyMedia.contentTypes.map((type) => [
                      type,
                      { schema: { type: 'string', format: 'binary' } },
                    ]),
                  ),
                }
              : undefined,
          responses,
        };
      }
      return {
        openapi: '3.1.0',
        info: {
          title: info.title,
          version: info.version,
          description: 'CertWatch: certificate verification, bulk reporting and credit-based supervision.',
        },
        servers: [{ url: info.serverUrl }],
        paths,
        components: {
          schemas: { Problem: problemSchema },
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
      };
    },
  };
}

/** A plain, script-free page listing every operation (the CSP forbids third-party viewers' inline code). */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<
    string,
    Record<string, { summary?: string; description?: string; 'x-roles'?: string[] }>
  >;
  const rows = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([
          method,
          op,
        ]) => `<section class="op"><h2><code class="m-${method}">${method.toUpperCase()}</code> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p class="muted">${escapeHtml(op.description)}</p>` : ''}
<p class="muted">${op['x-roles'] ? `Roles: ${escapeHtml(op['x-roles'].join(', '))}` : 'Public'}</p></section>`,
      ),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>CertWatch API</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><main class="docs"><h1>CertWatch API</h1>
<p>Machine-readable description: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors are
<code>application/problem+json</code> with a stable <code>code</code>.</p>
${rows}</main></body></html>`;
}
