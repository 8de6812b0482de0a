/** Texts of the open-data page (/open-data) and its error codes, in Chinese and English. */
import type { ErrorTexts, Lang } from '../platform/i18n';
import type { DatasetName } from './opendata-schema';

export interface OpenDataTexts {
  title: string;
  lead: string;
  datasetTitle: Record<DatasetName, string>;
  datasetDescription: Record<DatasetName, string>;
  generatedAt: (chinaTime: string) => string;
  notYet: string;
  rows: (n: string) => string;
  fileHeading: string;
  sizeHeading: string;
  checksumHeading: string;
  licence: string;
  catalogue: string;
  manifest: string;
  checkpointHeading: string;
  checkpointText: (size: string) => string;
  howToCheck: string;
  schedule: string;
}

export const OPEN_DATA_TEXTS: Record<Lang, OpenDataTexts> = {
  zh: {
    title: '开放数据',
    lead: '本平台每日生成以下数据集，供社会公众下载使用。内容与公开页面所示一致，不含个人信息、内部编号、举报人联系方式或访问记录。',
    datasetTitle: {
      registry: '认证证书登记库',
      bodies: '认证机构',
      dishonesty: '失信名单',
      'draw-results': '“双随机”抽查结果',
    },
    datasetDescription: {
      registry:
        '每张证书一行：证书编号、持证组织名称、认证项目、认证范围、有效状态（含暂停、撤销、注销的日期和原因）、发证与到期日期、认证机构。',
      bodies: '每家认证机构一行：机构代码、名称、批准号、批准状态、最近报送时间、网站和电话。',
      dishonesty: '公示中的失信记录，与“失信名单”页面所示一致，并附其在审计日志中的条目序号。',
      'draw-results': '已实施抽查的每个抽中对象一行：抽查计划、对象、风险等级、检查人员、检查结果。',
    },
    generatedAt: (t) => `生成时间：${t}（北京时间）`,
    notYet: '尚未生成数据集，请稍后再来。',
    rows: (n) => `${n} 条`,
    fileHeading: '文件',
    sizeHeading: '大小',
    checksumHeading: 'SHA-256 校验值',
    licence: '许可协议',
    catalogue: '数据目录（DCAT JSON-LD）',
    manifest: '清单（JSON）',
    checkpointHeading: '当日审计日志检查点',
    checkpointText: (size) => `审计日志共 ${size} 条时的签名检查点，可用以核对平台记录此后未被改写。`,
    howToCheck: '下载后可用 sha256sum（Windows：certutil -hashfile 文件名 SHA256）计算校验值，与上表核对。',
    schedule:
      '每日更新一次。CSV 文件为带 BOM 的 UTF-8 编码，可直接用 Excel 打开；NDJSON 文件每行一个 JSON 对象。',
  },
  en: {
    title: 'Open data',
    lead: 'The portal publishes these datasets every day for anyone to download. They hold what the public pages show and nothing more: no personal data, internal ids, tip contacts or visit records.',
    datasetTitle: {
      registry: 'Certificate registry',
      bodies: 'Certifying bodies',
      dishonesty: 'Dishonesty list',
      'draw-results': '“Double random” inspection results',
    },
    datasetDescription: {
      registry:
        'One row per certificate: number, holder name, scheme, scope, effective status (with the date and reason of a suspension, revocation or withdrawal), issue and expiry dates, certifying body.',
      bodies:
        'One row per certifying body: code, name, approval number and status, last report, website and phone.',
      dishonesty:
        'The listed dishonesty records as the dishonesty list page shows them, with each record’s audit-log entry.',
      'draw-results':
        'One row per drawn target of each executed draw: the plan, the target, its risk tier, inspectors and the published outcome.',
    },
    generatedAt: (t) => `Generated ${t} (China time)`,
    notYet: 'No dataset has been generated yet; please come back later.',
    rows: (n) => `${n} rows`,
    fileHeading: 'File',
    sizeHeading: 'Size',
    checksumHeading: 'SHA-256',
    licence: 'Licence',
    catalogue: 'Catalogue (DCAT JSON-LD)',
    manifest: 'Manifest (JSON)',
    checkpointHeading: 'The day’s audit-log checkpoint',
    checkpointText: (size) =>
      `The signed checkpoint of the audit log at ${size} entries: it lets anyone check that the registry’s history was not rewritten since.`,
    howToCheck:
      'After downloading, compute the checksum with sha256sum (Windows: certutil -hashfile FILE SHA256) and compare it with the table.',
    schedule:
      'Updated once a day. CSV files are UTF-8 with a BOM (they open in Excel as they are); NDJSON files hold one JSON object per line.',
  },
};

export const OPEN_DATA_ERROR_TEXT = {
  OPEN_DATA_EXPORT_RUNNING: {
    zh: '开放数据正在生成中，请稍后再试。',
    en: 'An open-data export is running already; try again later.',
  },
  OPEN_DATA_FILE_NOT_FOUND: {
    zh: '没有该开放数据文件，或数据集尚未生成。',
    en: 'No such open-data file, or no dataset has been generated yet.',
  },
} satisfies ErrorTexts<'OPEN_DATA_EXPORT_RUNNING' | 'OPEN_DATA_FILE_NOT_FOUND'>;
