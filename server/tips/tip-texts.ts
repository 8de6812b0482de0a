/**
 * Texts of the public report form (`/report`) and the tip categories, in Chinese and English. Plain data
 * and type-only imports, so the inspector console (client/src/inspect) bundles the same category names.
 * Every text is plain text: renderers escape it.
 */
import type { ErrorTexts, Lang } from '../platform/i18n';

/**
 * What a reporter says is wrong: tip-schema.ts's `TipCategory`, restated because that module needs Node
 * (report-page.ts checks that the two agree).
 */
export type TipCategoryName = 'forged' | 'altered' | 'misused' | 'not-in-registry' | 'other';

/** The form fields a validation error can point at (the tip API's field names). */
export const REPORT_FIELDS = [
  'category',
  'publicId',
  'certificateNumber',
  'bodyCode',
  'description',
  'place',
  'contact',
  'photo',
] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

export interface ReportTexts {
  title: string;
  lead: string;
  /** The certificate the report is about, when the form was opened from its result page. */
  aboutCertificate: (number: string, holder: string) => string;
  aboutUnknownId: string;
  categoryLegend: string;
  category: Record<TipCategoryName, string>;
  categoryHint: Record<TipCategoryName, string>;
  certificateLegend: string;
  certificateHint: string;
  descriptionLabel: string;
  descriptionHint: string;
  placeLabel: string;
  placeHint: string;
  contactLabel: string;
  contactHint: string;
  photoLabel: string;
  photoHint: string;
  submit: string;
  /** Above the form after a refused submission; the list links to each field. */
  errorSummary: string;
  fieldError: Record<ReportField, string>;
  sentTitle: string;
  sentReference: string;
  sentLead: string;
  backToResult: string;
}

const zh: ReportTexts = {
  title: '举报问题证书',
  lead: '如果您发现证书伪造、被篡改、被冒用或在登记库中查不到，请告诉我们。市场监管部门的检查人员会逐条查看。无需登录。',
  aboutCertificate: (number, holder) => `举报的证书：${number}（持证组织：${holder}）`,
  aboutUnknownId: '举报的证书链接在登记库中查不到。',
  categoryLegend: '问题类型',
  category: {
    forged: '伪造证书',
    altered: '证书内容被篡改',
    misused: '冒用或超范围使用证书',
    'not-in-registry': '登记库中查不到',
    other: '其他问题',
  },
  categoryHint: {
    forged: '证书是假的，或出自不存在的认证机构。',
    altered: '纸质证书上的名称、范围或日期与查验结果不一致。',
    misused: '使用别人的证书，或用于证书范围以外的产品或服务。',
    'not-in-registry': '证书编号或二维码在本平台查不到。',
    other: '以上都不是。',
  },
  certificateLegend: '证书信息',
  certificateHint: '如果知道，请填写纸质证书上的证书编号和认证机构代码。',
  descriptionLabel: '您看到了什么',
  descriptionHint: '请写明问题和您发现的经过，10 至 2000 字。',
  placeLabel: '在哪里看到的',
  placeHint: '例如商店、网站或招标文件的名称，最多 200 字。',
  contactLabel: '联系方式',
  contactHint: '电话或电子邮箱，方便检查人员向您核实；只有检查人员能看到，不会公开。可不填（匿名举报）。',
  photoLabel: '照片',
  photoHint: '证书、标志或产品的照片（JPEG、PNG 或 WebP，不超过 1 MB）。可不上传。',
  submit: '提交举报',
  errorSummary: '举报未提交，请修改以下内容：',
  fieldError: {
    category: '请选择问题类型。',
    publicId: '证书链接中的标识格式不正确，请从查验结果页重新打开本表。',
    certificateNumber: '证书编号最多 64 个字符，不能含控制字符。',
    bodyCode: '认证机构代码格式不正确（2 至 32 位字母、数字或 -）。',
    description: '请描述您看到的问题，10 至 2000 字。',
    place: '地点最多 200 字，不能含控制字符。',
    contact: '联系方式最多 200 字，不能含控制字符。',
    photo: '照片须为 JPEG、PNG 或 WebP 格式，不超过 1 MB；请重新选择。',
  },
  sentTitle: '举报已收到',
  sentReference: '您的举报编号',
  sentLead: '请记下此编号；向市场监管部门询问处理情况时请提供。感谢您的举报。',
  backToResult: '返回查验结果',
};

const en: ReportTexts = {
  title: 'Report a problem certificate',
  lead: 'Tell us about a certificate that is forged, altered, misused or not in the registry. Inspectors of the market regulation authority read every report. No sign-in needed.',
  aboutCertificate: (number, holder) => `Certificate reported: ${number} (holder: ${holder})`,
  aboutUnknownId: 'The certificate link reported is not in the registry.',
  categoryLegend: 'What is wrong',
  category: {
    forged: 'Forged certificate',
    altered: 'Altered certificate',
    misused: 'Misused certificate',
    'not-in-registry': 'Not in the registry',
    other: 'Something else',
  },
  categoryHint: {
    forged: 'The certificate is fake, or comes from a body that does not exist.',
    altered: 'The name, scope or dates on the paper differ from the result shown here.',
    misused: "Someone else's certificate, or used for products or services outside its scope.",
    'not-in-registry': 'The number or QR code cannot be found on this site.',
    other: 'None of the above.',
  },
  certificateLegend: 'The certificate',
  certificateHint: 'If you know them, give the certificate number and body code printed on the certificate.',
  descriptionLabel: 'What did you see',
  descriptionHint: 'Describe the problem and how you came across it, 10 to 2000 characters.',
  placeLabel: 'Where did you see it',
  placeHint: 'For example a shop, a website or a tender document; 200 characters at most.',
  contactLabel: 'Contact',
  contactHint:
    'Phone or email, so that an inspector can ask you more; only inspectors see it, it is never published. Leave it empty to report anonymously.',
  photoLabel: 'Photo',
  photoHint:
    'A photo of the certificate, the mark or the product (JPEG, PNG or WebP, at most 1 MB). Optional.',
  submit: 'Send the report',
  errorSummary: 'The report was not sent. Correct the following:',
  fieldError: {
    category: 'Choose what is wrong.',
    publicId: 'The certificate id of the link is malformed; open this form again from the result page.',
    certificateNumber: 'A certificate number has at most 64 characters and no control characters.',
    bodyCode: 'The certifying body code is not valid (2 to 32 letters, digits or -).',
    description: 'Describe what you saw, in 10 to 2000 characters.',
    place: 'The place has at most 200 characters and no control characters.',
    contact: 'The contact has at most 200 characters and no control characters.',
    photo: 'The photo must be a JPEG, PNG or WebP image of at most 1 MB; choose it again.',
  },
  sentTitle: 'Report received',
  sentReference: 'Your report reference',
  sentLead:
    'Keep this reference: give it when you ask the market regulation authority about your report. Thank you.',
  backToResult: 'Back to the result',
};

const TEXTS: Record<Lang, ReportTexts> = { zh, en };

export function reportTextsFor(lang: Lang): ReportTexts {
  return TEXTS[lang];
}

/** Errors of public tips and their photos. */
export const TIP_ERROR_TEXT = {
  INVALID_TIP_ID: {
    zh: '举报线索编号格式不正确（22 位字母、数字、- 或 _）。',
    en: 'The tip id is malformed (22 letters, digits, - or _).',
  },
  INVALID_PHOTO: {
    zh: '照片无法识别：请上传 JPEG、PNG 或 WebP 格式的图片（Base64 编码）。',
    en: 'The photo cannot be read: send a JPEG, PNG or WebP image, base64-encoded.',
  },
  TIP_NOT_FOUND: {
    zh: '没有这条举报线索。',
    en: 'No such tip.',
  },
  TIP_PHOTO_NOT_FOUND: {
    zh: '这条举报线索没有照片。',
    en: 'This tip has no photo.',
  },
  PHOTO_TOO_LARGE: {
    zh: '照片过大（最大 1 MiB）。',
    en: 'The photo is too large (1 MiB at most).',
  },
  INVALID_TIP_REFERENCE: {
    zh: '受理编号格式不正确：应为 T-年月日-8 位字母数字，例如 T-20261203-7KQ2M9XD。',
    en: 'The reference is malformed: it reads T-date-8 letters and digits, e.g. T-20261203-7KQ2M9XD.',
  },
  TIP_REFERENCE_NOT_FOUND: {
    zh: '没有这个受理编号的举报。请核对编号是否抄写正确。',
    en: 'No report has this reference. Check that it was copied correctly.',
  },
  TIP_NOT_NEW: {
    zh: '只有新举报可以驳回或并入案件：这条举报已并入案件或已被驳回。',
    en: 'Only a new tip can be dismissed or taken into a case: this one is in a case or dismissed already.',
  },
  TIP_CHANGED: {
    zh: '在您处理期间，这条举报已被他人驳回或并入其他案件，请刷新后重试。',
    en: 'The tip changed while you were working on it: it was dismissed or taken into another case meanwhile. Reload and try again.',
  },
} satisfies ErrorTexts<
  | 'TIP_NOT_NEW'
  | 'TIP_CHANGED'
  | 'INVALID_TIP_ID'
  | 'INVALID_PHOTO'
  | 'TIP_NOT_FOUND'
  | 'TIP_PHOTO_NOT_FOUND'
  | 'PHOTO_TOO_LARGE'
  | 'INVALID_TIP_REFERENCE'
  | 'TIP_REFERENCE_NOT_FOUND'
>;
