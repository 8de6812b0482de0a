/**
 * Texts of the tip status page (`/report/status`) and of what the page script adds to the report form
 * (the photo made to fit, the copy button), in Chinese and English. Plain data: the browser bundles
 * REPORT_SCRIPT_TEXTS. Every text is plain text: renderers escape it.
 */
import type { Lang } from '../platform/i18n';

/** The public states of a tip (tip-schema.ts's TipPublicState, restated: that module needs Node). */
export type TipPublicStateName = 'received' | 'under-review' | 'closed';

export interface TipStatusTexts {
  title: string;
  lead: string;
  referenceLabel: string;
  referenceHint: string;
  check: string;
  /** The answer: the state in words, and what it means. */
  stateHeading: string;
  state: Record<TipPublicStateName, string>;
  stateMeaning: Record<TipPublicStateName, string>;
  receivedOn: string;
  closedOn: string;
  /** On the page that confirms a report: where its state can be seen later. */
  statusLink: string;
  /** The reference is the only key: keep it to oneself. */
  keepPrivate: string;
}

export const TIP_STATUS_TEXTS: Record<Lang, TipStatusTexts> = {
  zh: {
    title: '查询举报处理进度',
    lead: '输入提交举报时得到的受理编号，即可查看处理进度。页面只显示进度和日期，不显示举报内容。',
    referenceLabel: '受理编号',
    referenceHint: '例如 T-20261203-7KQ2M9XD，字母不区分大小写。',
    check: '查询进度',
    stateHeading: '处理进度',
    state: { received: '已受理', 'under-review': '核查中', closed: '已办结' },
    stateMeaning: {
      received: '举报已收到，正在等待检查人员查看。',
      'under-review': '检查人员已将举报纳入案件，正在核查。',
      closed: '举报涉及的核查已经结束。如需了解处理结果，请联系当地市场监管部门。',
    },
    receivedOn: '受理日期',
    closedOn: '办结日期',
    statusLink: '以后可凭受理编号查询处理进度',
    keepPrivate: '任何持有受理编号的人都能查看进度，请妥善保管，不要公开。',
  },
  en: {
    title: 'Check on a report',
    lead: 'Enter the reference your report was given to see how far it has got. The page shows only the state and dates, never what was reported.',
    referenceLabel: 'Reference',
    referenceHint: 'For example T-20261203-7KQ2M9XD; letters in any case.',
    check: 'Check',
    stateHeading: 'State',
    state: { received: 'Received', 'under-review': 'Under review', closed: 'Closed' },
    stateMeaning: {
      received: 'The report has arrived and waits for an inspector to look at it.',
      'under-review': 'An inspector has taken the report into a case and is looking into it.',
      closed:
        'The review the report led to is finished. For its outcome, ask the local market regulation bureau.',
    },
    receivedOn: 'Received on',
    closedOn: 'Closed on',
    statusLink: 'Check on this report later with its reference',
    keepPrivate: 'Anyone who has the reference can see this state: keep it to yourself.',
  },
};

export function tipStatusTextsFor(lang: Lang): TipStatusTexts {
  return TIP_STATUS_TEXTS[lang];
}

/** What the page script says on the report form and its confirmation. */
export interface ReportScriptTexts {
  copy: string;
  copied: string;
  copyFailed: string;
  /** The photo is being made smaller (the submit button waits). */
  shrinking: string;
  /** The photo now fits: its new size in kB. */
  shrunk: (kb: number) => string;
  /** The photo could not be read or made small enough: it is sent as chosen (and may be refused). */
  shrinkFailed: string;
}

export const REPORT_SCRIPT_TEXTS: Record<Lang, ReportScriptTexts> = {
  zh: {
    copy: '复制编号',
    copied: '已复制',
    copyFailed: '无法复制，请手动抄写编号。',
    shrinking: '正在压缩照片……',
    shrunk: (kb) => `照片已压缩为 ${kb} KB，可以提交。`,
    shrinkFailed: '照片无法压缩，将按原样提交（超过 1 MiB 会被拒收）。',
  },
  en: {
    copy: 'Copy reference',
    copied: 'Copied',
    copyFailed: 'Could not copy: please write the reference down.',
    shrinking: 'Making the photo smaller…',
    shrunk: (kb) => `The photo now takes ${kb} kB and is ready to send.`,
    shrinkFailed: 'The photo could not be made smaller; it is sent as chosen (over 1 MiB is refused).',
  },
};
