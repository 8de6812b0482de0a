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
 * Pixels per module of the PNG: a version-19 code (a 40-character holder name) is 606 px, over 750 dpi
 * printed 2 cm wide. Encoding time grows with the pixel count; print work should use the SVG or the label.
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

/** Bottom edge of the QR's box on the label, mm. */
const QR_BOTTOM = 22.6;
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

/**
 * A 40 × 30 mm label for a body to print: the QR on the left, the scheme and certificate number beside
 * it, the holder's name across the bottom (the font shrinks for long names, down to about 4 pt). Text is
 * escaped; the label holds no script or external reference.
 */
export async function renderLabelSvg(text: string, label: LabelText): Promise<string> {
  // A 2-module quiet zone inside the QR's box: the label's white border and gaps make up the rest.
  const qr = await renderSvg(text, 2);
  const inner = qr
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '<svg x="0.6" y="0.6" width="22" height="22"')
    .trim();
  const columnX = 23.6;
  const columnWidth = 39.4 - columnX;
  const parts: string[] = [];
  let y = 0.8;
  const caption = textLines(['扫码验证真伪'], columnX, y, 1.5, ' fill="#444"');
  parts.push(caption.svg);
  y = caption.y + 0.6;
  const scheme = fit(label.schemeName, columnWidth, [1.9, 1.7, 1.5], 3 * 1.9 * LINE_HEIGHT);
  const schemeText = textLines(scheme.lines, columnX, y, scheme.size, ' font-weight="bold"');
  parts.push(schemeText.svg);
  y = schemeText.y + 0.8;
  const numberCaption = textLines(['证书编号'], columnX, y, 1.4, ' fill="#444"');
  parts.push(numberCaption.svg);
  y = numberCaption.y + 0.2;
  // The column ends where the QR's box does; the holder's band below spans the whole width.
  // A number reads best unbroken: a smaller size first, a line break only when even the smallest is too wide.
  const numberSizes = [1.9, 1.7, 1.5, 1.3];
  const oneLine = numberSizes.find((size) => wrap(label.number, columnWidth, size).length === 1);
  const number =
    oneLine !== undefined
      ? { size: oneLine, lines: [label.number] }
      : fit(label.number, columnWidth, numberSizes, QR_BOTTOM - y);
  parts.push(textLines(number.lines, columnX, y, number.size).svg);
  const holder = fit(label.holderName, 38.8, [2.2, 2.0, 1.8, 1.6, 1.4], 29.6 - (QR_BOTTOM + 0.6));
  const holderHeight = holder.lines.length * holder.size * LINE_HEIGHT;
  parts.push(textLines(holder.lines, 0.6, 29.6 - holderHeight, holder.size, ' font-weight="bold"').svg);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 40 30" role="img" aria-label="${escapeHtml(`${label.schemeName} ${label.number} ${label.holderName}`)}">`,
    `<title>${escapeHtml(`证书 ${label.number}：${label.holderName}`)}</title>`,
    '<rect width="40" height="30" fill="#fff"/>',
    inner,
    `<g font-family="${FONT}" fill="#000">${parts.join('')}</g>`,
    '</svg>',
    '',
  ].join('\n');
}
