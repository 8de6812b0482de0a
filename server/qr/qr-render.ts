/**
 * QR images of a certificate's signed URL, with the `qrcode` package: PNG, SVG and a printable label.
 * Error correction Q (25 % of the symbol may be lost): printed codes get scuffed, folded and photographed
 * at an angle; H would make long Chinese names too dense to print small.
 */
import QRCode from 'qrcode';
import { escapeHtml } from '../platform/html';

export const ERROR_CORRECTION = 'Q' as const;
/** Quiet zone, in modules, of the PNG and SVG (the standard's four). */
const MARGIN = 4;
/**
 * Pixels per module of the PNG: a version-17 code (the cap of docs/qr-format.md) is 558 px with its quiet
 * zone, over 500 dpi printed 25 mm wide. Encoding time grows with the pixel count; print work should use
 * the SVG or the label.
 */
const PNG_SCALE = 6;

/** The QR version (1-40) the text needs at our error correction level. */
export function qrVersion(text: string, level: 'L' | 'M' | 'Q' | 'H' = ERROR_CORRECTION): number {
  return QRCode.create(text, { errorCorrectionLevel: level }).version;
}

/**
 * pngjs (qrcode's encoder) options beyond the typed ones: 8-bit grayscale (a QR code has no colour to lose)
 * and the "up" filter instead of trying all five per row: half the bytes of the default RGBA, and faster.
 */
const GRAYSCALE_PNG: { deflateLevel?: number } = Object.assign(
  { deflateLevel: 9 },
  { colorType: 0, filterType: 2 },
);

export function renderPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: MARGIN,
    scale: PNG_SCALE,
    // A copy: the renderer writes width and height into the object it is given.
    rendererOpts: { ...GRAYSCALE_PNG },
  });
}

export function renderSvg(text: string, margin = MARGIN): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: ERROR_CORRECTION, margin });
}

export interface LabelText {
  number: string;
  holderName: string;
  /** The scheme's Chinese name. */
  schemeName: string;
}

/** The label, mm: 50 × 30, a standard die-cut size of thermal label rolls. */
const LABEL_WIDTH = 50;
const LABEL_HEIGHT = 30;
/** White border around everything on the label, mm. */
const BORDER = 0.5;
/** The QR's square box (the symbol and its quiet zone) at the label's top left, mm. */
const QR_BOX = LABEL_HEIGHT - 2 * BORDER;
/**
 * The narrowest the printed symbol (finder pattern edge to finder pattern edge) may be, mm: at 25 mm a
 * version-17 code (the cap of docs/qr-format.md) still has modules of 0.29 mm, over two dots of a 203 dpi
 * label printer and within what a phone camera resolves at reading distance.
 */
export const MIN_LABEL_QR_MM = 25;
/** The quiet zone inside the box, in modules: the label's white border adds to it. */
const QUIET_MODULES = 2;

/**
 * Where the symbol of a code `modules` wide sits on the label: as large as the box holds with its quiet
 * zone, and never narrower than MIN_LABEL_QR_MM (small codes then get a wider quiet zone).
 */
function labelQrPlacement(modules: number): { x: number; y: number; width: number } {
  const width = Math.max(MIN_LABEL_QR_MM, (QR_BOX * modules) / (modules + 2 * QUIET_MODULES));
  const offset = BORDER + (QR_BOX - width) / 2;
  return { x: offset, y: offset, width };
}

const FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','SimHei',sans-serif";

/** Approximate advance of a character, in em: CJK and full-width ones are square, others narrower. */
function charWidth(ch: string): number {
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 0x2e80 || (code >= 0x1100 && code <= 0x115f)) return 1;
  return 0.62;
}

/** Greedy line breaking of `text` at `size` (mm) into lines at most `width` mm wide. */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch) * size;
    if (used + w > width && line !== '') {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const LINE_HEIGHT = 1.25;

/**
 * The largest of `sizes` at which `text` fits in a box `width` wide and `height` high; at the smallest
 * size, the lines that fit, the last one cut with an ellipsis.
 */
function fit(text: string, width: number, sizes: readonly number[], height: number) {
  const maxLines = (size: number) => Math.max(1, Math.floor(height / (size * LINE_HEIGHT) + 1e-9));
  for (const size of sizes) {
    const lines = wrap(text, width, size);
    if (lines.length <= maxLines(size)) return { size, lines };
  }
  const size = sizes[sizes.length - 1] as number;
  const lines = wrap(text, width, size).slice(0, maxLines(size));
  const last = [...(lines[lines.length - 1] as string)];
  lines[lines.length - 1] = `${last.slice(0, Math.max(0, last.length - 1)).join('')}…`;
  return { size, lines };
}

function textLines(
  lines: string[],
  x: number,
  y: number,
  size: number,
  extra = '',
): { svg: string; y: number } {
  const lineHeight = size * LINE_HEIGHT;
  let svg = '';
  let baseline = y + size;
  for (const line of lines) {
    svg += `<text x="${x}" y="${baseline.toFixed(2)}" font-size="${size}"${extra}>${escapeHtml(line)}</text>`;
    baseline += lineHeight;
  }
  return { svg, y: y + lines.length * lineHeight };
}

const mm = (value: number) => Number(value.toFixed(3)).toString();

/**
 * A 50 × 30 mm label for a body to print: the QR on the left, at least MIN_LABEL_QR_MM wide; beside it the
 * scheme, the certificate number and the holder's name (the font shrinks for long names, down to about
 * 4 pt, and a name that still does not fit ends with an ellipsis). Text is escaped; the label holds no
 * script or external reference.
 */
export async function renderLabelSvg(text: string, label: LabelText): Promise<string> {
  const modules = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION }).modules.size;
  const place = labelQrPlacement(modules);
  // No margin in the symbol's own SVG: its quiet zone is the white around it on the label.
  const qr = await renderSvg(text, 0);
  const inner = qr
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
      `<svg x="${mm(place.x)}" y="${mm(place.y)}" width="${mm(place.width)}" height="${mm(place.width)}"`,
    )
    .trim();
  const columnX = BORDER + QR_BOX + 0.7;
  const columnWidth = LABEL_WIDTH - BORDER - columnX;
  const bottom = LABEL_HEIGHT - BORDER;
  const parts: string[] = [];
  let y = 0.8;
  const caption = textLines(['扫码验证真伪'], columnX, y, 1.5, ' fill="#444"');
  parts.push(caption.svg);
  y = caption.y + 0.6;
  const scheme = fit(label.schemeName, columnWidth, [2.2, 2.0, 1.8, 1.6], 2 * 2.2 * LINE_HEIGHT);
  const schemeText = textLines(scheme.lines, columnX, y, scheme.size, ' font-weight="bold"');
  parts.push(schemeText.svg);
  y = schemeText.y + 0.8;
  const numberCaption = textLines(['证书编号'], columnX, y, 1.4, ' fill="#444"');
  parts.push(numberCaption.svg);
  y = numberCaption.y + 0.2;
  // A number reads best unbroken: a smaller size first, a line break only when even the smallest is too wide.
  const numberSizes = [2.0, 1.8, 1.6, 1.4, 1.3];
  const oneLine = numberSizes.find((size) => wrap(label.number, columnWidth, size).length === 1);
  const number =
    oneLine !== undefined
      ? { size: oneLine, lines: [label.number] }
      : fit(label.number, columnWidth, numberSizes, 3 * 1.3 * LINE_HEIGHT);
  const numberText = textLines(number.lines, columnX, y, number.size);
  parts.push(numberText.svg);
  y = numberText.y + 0.8;
  // The holder's name takes the rest of the column: the part of the label a person reads most.
  const holder = fit(label.holderName, columnWidth, [2.2, 2.0, 1.8, 1.6, 1.4], bottom - y);
  parts.push(textLines(holder.lines, columnX, y, holder.size, ' font-weight="bold"').svg);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH}mm" height="${LABEL_HEIGHT}mm" viewBox="0 0 ${LABEL_WIDTH} ${LABEL_HEIGHT}" role="img" aria-label="${escapeHtml(`${label.schemeName} ${label.number} ${label.holderName}`)}">`,
    `<title>${escapeHtml(`证书 ${label.number}：${label.holderName}`)}</title>`,
    `<rect width="${LABEL_WIDTH}" height="${LABEL_HEIGHT}" fill="#fff"/>`,
    inner,
    `<g font-family="${FONT}" fill="#000">${parts.join('')}</g>`,
    '</svg>',
    '',
  ].join('\n');
}
