/**
 * The CNCA-style CSV the upload benchmarks send (Chinese headers, 20 columns), written from certificate
 * reports and streamed to disk with backpressure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CertificateData } from '../../server/certificates/certificate-schema';

export const HEADER = [
  '证书编号',
  '获证组织名称',
  '统一社会信用代码',
  '组织地址',
  '认证项目',
  '认证范围',
  '颁证日期',
  '证书到期日期',
  '证书状态',
  '状态变更原因',
  '状态变更日期',
  '产品型号',
  '行业代码',
  '审核开始日期',
  '审核结束日期',
  '审核人日',
  '审核组成员',
  '场所地址',
  '有效人数',
  '审核类型',
];

/** The audit types as bodies write them. */
const AUDIT_TYPE_ZH = { initial: '初次认证', surveillance: '监督审核', recertification: '再认证' } as const;

/** A CSV cell: quoted when it holds a comma, quote or new line. */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(c: CertificateData): string {
  const auditors = c.audit?.auditors
    .map((a) => `${a.name}(${a.role === 'leader' ? '组长,' : ''}${a.registrationNumber})`)
    .join(';');
  return `${[
    c.number,
    c.holder.name,
    c.holder.creditCode,
    c.holder.address,
    c.scheme,
    c.scope,
    c.issueDate,
    c.expiryDate,
    c.status,
    c.statusReason,
    c.statusDate,
    c.productModels?.join(';'),
    c.industryCodes?.join(';'),
    c.audit?.startDate,
    c.audit?.endDate,
    c.audit?.manDays,
    auditors,
    c.sites?.map((s) => s.address).join(';'),
    c.holder.employees,
    c.audit?.type && AUDIT_TYPE_ZH[c.audit.type],
  ]
    .map(cell)
    .join(',')}\r\n`;
}

/**
 * Writes the rows to `file` (through `file.partial`, renamed once complete, so that a cut-off run never
 * leaves a file that looks whole); `onProgress` hears the rows written so far.
 */
export async function writeCsv(
  file: string,
  rows: Iterable<CertificateData[]>,
  onProgress?: (written: number) => void,
): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const out = fs.createWriteStream(partial);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write(`${HEADER.join(',')}\r\n`);
  let written = 0;
  for (const batch of rows) {
    await write(batch.map(csvLine).join(''));
    written += batch.length;
    onProgress?.(written);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  fs.renameSync(partial, file);
}
