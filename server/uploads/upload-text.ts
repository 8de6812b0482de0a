/** Text files (CSV, NDJSON) as decoded text: encoding detection, line-length caps, BOM and non-text checks. */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { EMPTY_FILE, malformed, tooLarge, type Settings } from './upload-table';

/** Length of the prefix of `bytes` that ends on a UTF-8 character boundary (a cut sequence is held back). */
function completeUtf8Length(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back += 1) {
    const b = bytes[end - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

interface TextOptions {
  /** Detect GB18030/GBK (CSV from Excel on Chinese Windows); else the text must be UTF-8 (NDJSON). */
  detectGb18030: boolean;
  settings: Settings;
}

/** Non-ASCII bytes to look at before deciding between UTF-8 and GB18030. */
const PROBE_BYTES = 4096;

/**
 * The file's text, chunk by chunk. Strips a UTF-8 BOM; without one, reads on until it has seen
 * PROBE_BYTES of non-ASCII text (or the end) and decides: valid UTF-8 stays UTF-8, anything else is
 * decoded as GB18030 (a superset of GBK and GB2312). A multi-byte character cut by a chunk boundary is
 * held back, never judged half. Binary content (control bytes), text that does not decode, and a
 * physical line longer than maxRowBytes (checked on the raw bytes, so a 20 MB line is never held)
 * stop the file with the line number.
 */
export async function* decodedText(source: Readable, options: TextOptions): AsyncGenerator<string> {
  const { maxRowBytes } = options.settings;
  // In an object so that TypeScript does not narrow it across the helpers that change it.
  const state: { mode: 'start' | 'probe' | 'utf8' | 'gb18030' } = { mode: 'start' };
  let held: Buffer = Buffer.alloc(0); // start: the BOM window; probe: bytes since the first non-ASCII one
  let line = 1; // line number at the current position
  let lineBytes = 0; // bytes since the last LF
  let total = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const gb = iconv.getDecoder('gb18030');

  const scan = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i] as number;
      if (b === 0x0a) {
        line += 1;
        lineBytes = 0;
        continue;
      }
      lineBytes += 1;
      if (b < 0x20 || b === 0x7f) {
        if (b !== 0x09 && b !== 0x0d) {
          throw malformed(
            `The file has binary content (byte 0x${b.toString(16).padStart(2, '0')}) at line ${line}: it is not a text file`,
            { line },
          );
        }
      }
    }
    // Checked per chunk, so a long line is stopped within one chunk of the limit, never read whole.
    if (lineBytes > maxRowBytes) throw tooLarge(`Line ${line}`, options.settings);
  };
  const invalidText = (encoding: string) =>
    malformed(
      options.detectGb18030
        ? `The text cannot be decoded as ${encoding} near line ${line}: save the file as CSV UTF-8`
        : `The text is not valid UTF-8 near line ${line}`,
      { line },
    );
  const decode = (bytes: Buffer, end = false): string => {
    if (state.mode === 'gb18030') {
      const text = end ? gb.write(bytes) + (gb.end() ?? '') : gb.write(bytes);
      if (text.includes('\ufffd')) throw invalidText('GB18030');
      return text;
    }
    try {
      return utf8.decode(bytes, { stream: !end });
    } catch {
      throw invalidText('UTF-8');
    }
  };
  const decide = (atEnd: boolean): string => {
    const valid = isUtf8(atEnd ? held : held.subarray(0, completeUtf8Length(held)));
    if (!valid && !options.detectGb18030) throw invalidText('UTF-8');
    state.mode = valid ? 'utf8' : 'gb18030';
    const pending = held;
    held = Buffer.alloc(0);
    return decode(pending, atEnd);
  };

  for await (const raw of unownedChunks(source)) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
    if (chunk.length === 0) continue;
    total += chunk.length;
    if (state.mode === 'start') {
      held = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      if (held.length < 4) continue;
      chunk = startOfText(held);
      held = Buffer.alloc(0);
      state.mode = 'probe';
    }
    scan(chunk);
    if (state.mode !== 'probe') {
      yield decode(chunk);
      continue;
    }
    if (held.length === 0) {
      const firstHigh = chunk.findIndex((b) => b >= 0x80);
      if (firstHigh < 0) {
        yield chunk.toString('latin1'); // ASCII reads the same in both encodings
        continue;
      }
      if (firstHigh > 0) yield chunk.toString('latin1', 0, firstHigh);
      chunk = chunk.subarray(firstHigh);
    }
    held = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    if (held.length >= PROBE_BYTES) yield decide(false);
  }

  if (total === 0) throw EMPTY_FILE();
  if (state.mode === 'start') {
    const chunk = startOfText(held);
    held = Buffer.alloc(0);
    state.mode = 'probe';
    scan(chunk);
    const firstHigh = chunk.findIndex((b) => b >= 0x80);
    if (firstHigh < 0) {
      if (chunk.length > 0) yield chunk.toString('latin1');
      return;
    }
    if (firstHigh > 0) yield chunk.toString('latin1', 0, firstHigh);
    held = chunk.subarray(firstHigh);
  }
  if (state.mode === 'probe') {
    if (held.length > 0) yield decide(true);
    return;
  }
  const rest = decode(Buffer.alloc(0), true);
  if (rest) yield rest;
}

/** The first bytes of a text file without its UTF-8 BOM; throws for UTF-16 and for a ZIP (XLSX) file. */
export function startOfText(head: Buffer): Buffer {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw malformed('The file is UTF-16 text ("Unicode text"): save it as CSV UTF-8 (comma-delimited)');
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw malformed('The file is a ZIP archive (an XLSX workbook?), not text: upload it as XLSX');
  }
  return head;
}

/**
 * The source's chunks, read without taking it over: leaving the loop early (a file error, a consumer
 * that stops) stops reading instead of destroying the stream, as a plain for-await would.
 */
export function unownedChunks(source: Readable): AsyncIterableIterator<Buffer | string> {
  return source.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer | string>;
}
