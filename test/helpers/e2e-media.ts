/**
 * Test media for the end-to-end tests: a QR code as pixels (the `qrcode` package's modules), as a PNG
 * file for the photo path, and as a Y4M video for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`). The Y4M format is the one /work/shared/TESTING.md checked:
 * `YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg`, then per frame `FRAME\n` + Y, U, V planes (I420,
 * BT.601 limited range: white Y=235, black Y=16).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import QRCode from 'qrcode';

const ERROR_CORRECTION = 'Q';
const QUIET_ZONE = 4;
const Y_WHITE = 235;
const Y_BLACK = 16;
const CHROMA_NEUTRAL = 128;

/** The QR's modules: `size` × `size`, 1 for dark. */
export function qrModules(text: string): { size: number; dark: Uint8Array } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  return { size: modules.size, dark: modules.data };
}

/**
 * The luma plane of a `width` × `height` frame showing the QR in its middle on white paper, each module
 * a whole number of pixels (as large as fits in `fill` of the shorter side).
 */
export function qrLumaFrame(text: string, width: number, height: number, fill = 0.85): Uint8Array {
  const { size, dark } = qrModules(text);
  const total = size + 2 * QUIET_ZONE;
  const scale = Math.max(1, Math.floor((Math.min(width, height) * fill) / total));
  const side = total * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const y = new Uint8Array(width * height).fill(Y_WHITE);
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (!dark[row * size + col]) continue;
      const x0 = left + (col + QUIET_ZONE) * scale;
      const y0 = top + (row + QUIET_ZONE) * scale;
      for (let dy = 0; dy < scale; dy += 1)
        y.fill(Y_BLACK, (y0 + dy) * width + x0, (y0 + dy) * width + x0 + scale);
    }
  }
  return y;
}

/**
 * Writes a Y4M video of `frames` identical frames showing the QR (Chromium loops the file). Width and
 * height must be even (4:2:0 chroma is subsampled by two both ways).
 */
export function writeQrY4m(
  file: string,
  text: string,
  options: { width?: number; height?: number; frames?: number } = {},
): void {
  const { width = 640, height = 480, frames = 2 } = options;
  if (width % 2 || height % 2) throw new Error('Y4M 4:2:0 needs an even width and height');
  const luma = qrLumaFrame(text, width, height);
  const chroma = Buffer.alloc((width / 2) * (height / 2), CHROMA_NEUTRAL);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/**
 * A PNG of the QR, as a printed label would be photographed straight on: black modules of 6×6 pixels on
 * white with the quiet zone. Written here as an 8-bit greyscale PNG in one synchronous step (zlib);
 * `QRCode.toFile` encodes RGBA through a stream and took seconds per image inside Jest on a busy machine.
 */
export function writeQrPng(file: string, text: string, scale = 6): void {
  const { size, dark } = qrModules(text);
  const side = (size + 2 * QUIET_ZONE) * scale;
  // Each row: filter type 0 (none), then one byte per pixel.
  const raw = Buffer.alloc((side + 1) * side, 255);
  for (let y = 0; y < side; y += 1) {
    raw[y * (side + 1)] = 0;
    const row = Math.floor(y / scale) - QUIET_ZONE;
    if (row < 0 || row >= size) continue;
    for (let col = 0; col < size; col += 1) {
      if (!dark[row * size + col]) continue;
      const x0 = y * (side + 1) + 1 + (col + QUIET_ZONE) * scale;
      raw.fill(0, x0, x0 + scale);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter method, no interlace
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', zlib.deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}
