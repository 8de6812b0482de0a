/**
 * Open data: the daily downloadable datasets of the public registry, bodies, the dishonesty list and draw
 * results (CSV in UTF-8 with a BOM, and NDJSON), each with its SHA-256, row count and generation time, and
 * the manifest and DCAT catalogue that describe them. Only what the public pages show goes in.
 */
import { z } from 'zod';

export const DATASET_NAMES = ['registry', 'bodies', 'dishonesty', 'draw-results'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** The licence every dataset is published under (a line in the manifest, the catalogue and the page). */
export const OPEN_DATA_LICENCE = {
  name: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
} as const;

export const FORMATS = {
  csv: { extension: 'csv', mediaType: 'text/csv; charset=utf-8' },
  ndjson: { extension: 'ndjson', mediaType: 'application/x-ndjson' },
} as const;
export type DatasetFormat = keyof typeof FORMATS;

/** The file of the day's transparency checkpoint, published beside the datasets. */
export const CHECKPOINT_FILE = 'audit-checkpoint.txt';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const datasetFileSchema = z.object({
  file: z.string().describe('File name under /open-data/'),
  format: z.enum(['csv', 'ndjson']),
  mediaType: z.string(),
  bytes: z.number().int(),
  sha256: sha256Hex.describe('SHA-256 (hex) of the file’s bytes'),
});
export type DatasetFile = z.infer<typeof datasetFileSchema>;

export const manifestSchema = z
  .object({
    generation: z.string().describe('Names this export (its generation time, compact)'),
    generatedAt: z.iso.datetime(),
    licence: z.object({ name: z.string(), url: z.string() }),
    datasets: z.array(
      z.object({
        name: z.enum(DATASET_NAMES),
        columns: z.array(z.string()),
        rows: z.number().int().describe('Data rows in each file (the CSV header line not counted)'),
        files: z.array(datasetFileSchema),
      }),
    ),
    checkpoint: z
      .object({
        file: z.string(),
        bytes: z.number().int(),
        sha256: sha256Hex,
        size: z.number().int().describe('Audit log size the checkpoint signs'),
      })
      .optional()
      .describe('The signed transparency checkpoint of the audit log when the datasets were made'),
  })
  .meta({ id: 'OpenDataManifest' });
export type Manifest = z.infer<typeof manifestSchema>;

export const exportStartedSchema = z
  .object({ state: z.literal('started'), startedAt: z.iso.datetime() })
  .meta({ id: 'OpenDataExportStarted' });
