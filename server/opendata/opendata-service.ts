/**
 * The daily open-data export: every dataset streamed from the stores (keyset pages: flat memory whatever
 * the registry's size) into CSV (UTF-8 with a BOM) and NDJSON, hashed as written, with the day's signed
 * audit checkpoint beside them and a manifest.
 *
 * On disk (OPEN_DATA_DIR, by default DATA_DIR/open-data): each export is a generation directory, built
 * under a hidden name and renamed whole when complete; `current.json` (replaced atomically) names the
 * generation being served. A reader thus sees one whole generation, files and manifest together, never
 * a mix of two. The previous generation is kept, so a download that began before a switch completes.
 * A lock file lets one process at a time export into the directory: in cluster mode the replicas share
 * the directory (a volume) and whichever replica's timer or CLI gets there first exports for all.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { todayInChina } from '../platform/china-time';
import { csvCell } from '../platform/csv';
import { AppError } from '../platform/errors';
import { createHashedFile, writeAtomic } from '../platform/files';
import type { Logger } from '../platform/logger';
import type { DatasetSource } from './opendata-datasets';
import {
  CHECKPOINT_FILE,
  FORMATS,
  OPEN_DATA_LICENCE,
  type DatasetFile,
  type DatasetName,
  type Manifest,
} from './opendata-schema';

export interface OpenDataService {
  /** The manifest of the generation being served, or undefined before the first export. */
  current(): Manifest | undefined;
  /** The path of a file of the current generation by its published name, or undefined. */
  filePath(file: string): string | undefined;
  /** Exports now and switches to the new generation. OPEN_DATA_EXPORT_RUNNING when an export runs. */
  exportNow(): Promise<Manifest>;
  /** Exports when the current generation is not of today (China date): at most one export a day. */
  exportIfDue(): Promise<Manifest | undefined>;
  /** Whether an export runs in this process. */
  running(): boolean;
}

/** A lock older than this is left by a process that died mid-export. */
const STALE_LOCK_MS = 6 * 3_600_000;
/**
 * Text gathered before a write: fewer, larger writes, yet small enough that a chunk's lines die young
 * (larger chunks outlive scavenges, and the promoted garbage grows the heap with the file's length).
 */
const CHUNK_CHARS = 32 * 1024;

function csvLine(cells: readonly (string | number | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function createOpenDataService(deps: {
  dir: string;
  sources: DatasetSource[];
  /** The audit log's signed checkpoint (a C2SP note) and its size. */
  checkpoint?: () => Promise<{ note: string; size: number }>;
  logger?: Logger;
  now?: () => number;
}): OpenDataService {
  const { dir, sources } = deps;
  const now = deps.now ?? Date.now;
  const currentFile = path.join(dir, 'current.json');
  const lockFile = path.join(dir, '.export.lock');
  let inProcess = false;
  let cached: { mtimeMs: number; manifest: Manifest; generationDir: string } | undefined;

  function readCurrent(): typeof cached {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(currentFile);
    } catch {
      return undefined;
    }
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
    try {
      const { generation } = JSON.parse(fs.readFileSync(currentFile, 'utf8')) as { generation: string };
      const generationDir = path.join(dir, path.basename(generation));
      const manifest = JSON.parse(
        fs.readFileSync(path.join(generationDir, 'manifest.json'), 'utf8'),
      ) as Manifest;
      cached = { mtimeMs: stat.mtimeMs, manifest, generationDir };
      return cached;
    } catch (err) {
      deps.logger?.warn({ err }, 'open data: current.json names no readable generation');
      return undefined;
    }
  }

  function acquireLock(): boolean {
    fs.mkdirSync(dir, { recursive: true });
    try {
      const age = now() - fs.statSync(lockFile).mtimeMs;
      if (age > STALE_LOCK_MS) fs.rmSync(lockFile, { force: true });
    } catch {
      // No lock: take it below.
    }
    try {
      fs.writeFileSync(lockFile, `${process.pid} ${new Date(now()).toISOString()}\n`, { flag: 'wx' });
      return true;
    } catch {
      return false;
    }
  }

  async function writeDataset(into: string, source: DatasetSource) {
    const files = {
      csv: createHashedFile(path.join(into, `${source.name}.csv`)),
      ndjson: createHashedFile(path.join(into, `${source.name}.ndjson`)),
    };
    let csv = `\ufeff${csvLine(source.columns)}`;
    let ndjson = '';
    let rows = 0;
    for await (const row of source.rows()) {
      rows += 1;
      csv += csvLine(source.columns.map((c) => row[c]));
      const object: Record<string, string | number> = {};
      for (const c of source.columns) {
        const value = row[c];
        if (value !== undefined && value !== '') object[c] = value;
      }
      ndjson += `${JSON.stringify(object)}\n`;
      if (csv.length >= CHUNK_CHARS) {
        await files.csv.write(csv);
        csv = '';
      }
      if (ndjson.length >= CHUNK_CHARS) {
        await files.ndjson.write(ndjson);
        ndjson = '';
      }
    }
    await files.csv.write(csv);
    await files.ndjson.write(ndjson);
    const written: DatasetFile[] = [];
    for (const format of ['csv', 'ndjson'] as const) {
      const { bytes, sha256 } = await files[format].close();
      written.push({
        file: `${source.name}.${FORMATS[format].extension}`,
        format,
        mediaType: FORMATS[format].mediaType,
        bytes,
        sha256,
      });
    }
    return { name: source.name as DatasetName, columns: [...source.columns], rows, files: written };
  }

  function prune(keep: string[]): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || keep.includes(entry.name)) continue;
      // Generations are named by their time; builds of dead exports start with a dot.
      if (/^\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(entry.name) || entry.name.startsWith('.building-'))
        fs.rmSync(path.join(dir, entry.name), { recursive: true, force: true });
    }
  }

  async function run(): Promise<Manifest> {
    const startedAt = new Date(now());
    const generation = `${startedAt
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}-${crypto.randomBytes(3).toString('hex')}`;
    const building = path.join(dir, `.building-${generation}`);
    fs.mkdirSync(building, { recursive: true });
    try {
      const datasets = [];
      for (const source of sources) datasets.push(await writeDataset(building, source));
      let checkpoint: Manifest['checkpoint'];
      if (deps.checkpoint) {
        const cp = await deps.checkpoint();
        const file = createHashedFile(path.join(building, CHECKPOINT_FILE));
        await file.write(cp.note);
        checkpoint = { file: CHECKPOINT_FILE, size: cp.size, ...(await file.close()) };
      }
      const manifest: Manifest = {
        generation,
        generatedAt: startedAt.toISOString(),
        licence: { ...OPEN_DATA_LICENCE },
        datasets,
        ...(checkpoint ? { checkpoint } : {}),
      };
      fs.writeFileSync(path.join(building, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
        mode: 0o644,
      });
      const previous = readCurrent()?.manifest.generation;
      fs.renameSync(building, path.join(dir, generation));
      writeAtomic(currentFile, `${JSON.stringify({ generation })}\n`);
      prune([generation, ...(previous ? [previous] : [])]);
      deps.logger?.info(
        { generation, rows: Object.fromEntries(datasets.map((d) => [d.name, d.rows])) },
        'open data exported',
      );
      return manifest;
    } catch (err) {
      fs.rmSync(building, { recursive: true, force: true });
      throw err;
    }
  }

  const service: OpenDataService = {
    current: () => readCurrent()?.manifest,

    filePath(file) {
      const current = readCurrent();
      if (!current) return undefined;
      const { manifest, generationDir } = current;
      const published = [
        'manifest.json',
        ...manifest.datasets.flatMap((d) => d.files.map((f) => f.file)),
        ...(manifest.checkpoint ? [manifest.checkpoint.file] : []),
      ];
      return published.includes(file) ? path.join(generationDir, file) : undefined;
    },

    async exportNow() {
      if (inProcess || !acquireLock())
        throw new AppError('OPEN_DATA_EXPORT_RUNNING', 'An open-data export is running already.');
      inProcess = true;
      try {
        return await run();
      } finally {
        inProcess = false;
        fs.rmSync(lockFile, { force: true });
      }
    },

    async exportIfDue() {
      const current = service.current();
      if (current && todayInChina(Date.parse(current.generatedAt)) === todayInChina(now())) return undefined;
      if (inProcess) return undefined;
      try {
        return await service.exportNow();
      } catch (err) {
        if (err instanceof AppError && err.code === 'OPEN_DATA_EXPORT_RUNNING') return undefined;
        throw err;
      }
    },

    running: () => inProcess,
  };
  return service;
}
