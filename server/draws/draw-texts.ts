/** Texts of random inspection draws, in Chinese and English. */
import type { ErrorTexts } from '../platform/i18n';

/** Errors of random inspection draws. */
export const DRAW_ERROR_TEXT = {
  INVALID_DRAW_ID: {
    zh: '抽查编号格式不正确（DR 加 16 位字母或数字 2-7）。',
    en: 'The draw id is malformed (DR and 16 letters or digits 2-7).',
  },
  DRAW_ENTROPY_MISMATCH: {
    zh: '外部随机数与抽查计划不符：计划指定了公开随机源时必须提供其数值，未指定时不得提供。',
    en: 'External entropy does not match the plan: give the value exactly when the plan names a public source.',
  },
  DRAW_NOT_FOUND: {
    zh: '没有这个抽查计划。',
    en: 'No such inspection draw.',
  },
  DRAW_ALREADY_EXECUTED: {
    zh: '该抽查计划已经执行过，每个计划只能抽取一次。',
    en: 'This draw has already been executed; a plan is drawn only once.',
  },
  DRAW_NOT_EXECUTED: {
    zh: '该抽查计划尚未执行，还没有抽查对象。',
    en: 'This draw has not been executed yet, so it has no targets.',
  },
  DRAW_POPULATION_EMPTY: {
    zh: '没有符合抽查范围条件的对象。',
    en: 'No entity matches the population filter.',
  },
  DRAW_POPULATION_TOO_LARGE: {
    zh: '抽查对象名录过大，请缩小范围（认证项目、机构、地区）或分成多个计划。',
    en: 'The population is too large; narrow it (schemes, bodies, division) or split the plan.',
  },
  DRAW_RATE_MISSING: {
    zh: '抽查对象中有未设定抽查比例的信用等级。',
    en: 'The population has a credit level the plan gives no sampling rate for.',
  },
  DRAW_TOO_FEW_INSPECTORS: {
    zh: '可选派的检查人员不足（已排除需回避的人员），无法为每个对象抽取规定人数。',
    en: 'Too few inspectors without a conflict of interest to draw the required number per target.',
  },
  DRAW_NOT_A_TARGET: {
    zh: '该对象不在本次抽查结果中。',
    en: 'This entity was not drawn in this draw.',
  },
} satisfies ErrorTexts<
  | 'INVALID_DRAW_ID'
  | 'DRAW_ENTROPY_MISMATCH'
  | 'DRAW_NOT_FOUND'
  | 'DRAW_ALREADY_EXECUTED'
  | 'DRAW_NOT_EXECUTED'
  | 'DRAW_POPULATION_EMPTY'
  | 'DRAW_POPULATION_TOO_LARGE'
  | 'DRAW_RATE_MISSING'
  | 'DRAW_TOO_FEW_INSPECTORS'
  | 'DRAW_NOT_A_TARGET'
>;

/** The words of the public draw pages (`/draws`, `/draws/:id`). Plain text: the renderer escapes it. */
export interface DrawPageTexts {
  listTitle: string;
  listLead: string;
  none: string;
  total: (n: number) => string;
  executedOn: string;
  publishedOn: string;
  targetsCount: (n: number) => string;
  resultsCount: (published: number, targets: number) => string;
  drawTitle: string;
  backToList: string;
  scopeTitle: string;
  populationKind: Record<'holders' | 'bodies', string>;
  schemes: string;
  bodies: string;
  division: string;
  statuses: string;
  approvalStatuses: string;
  anyValue: string;
  asOf: string;
  populationSize: string;
  tierLine: (tier: string, population: number, rate: number, sample: number) => string;
  tiersLabel: string;
  inspectorsPerTarget: string;
  inspectorPool: string;
  targetsTitle: string;
  noTargets: string;
  targetId: Record<'holders' | 'bodies', string>;
  tier: string;
  inspectors: string;
  outcomeLabel: string;
  outcome: Record<'no_problem' | 'rectification_ordered' | 'case_opened' | 'not_located', string>;
  outcomePending: string;
  inspectedOn: string;
  findings: string;
  supersededNote: (n: number) => string;
  verifyTitle: string;
  verifyLead: string;
  algorithm: string;
  commitment: string;
  seed: string;
  entropySource: string;
  entropyValue: string;
  planHash: string;
  populationHash: string;
  poolHash: string;
  verifyCommand: string;
  verifyHow: string;
  jsonLink: string;
}

export const DRAW_PAGE_TEXTS: Record<'zh' | 'en', DrawPageTexts> = {
  zh: {
    listTitle: '“双随机、一公开”抽查结果',
    listLead:
      '随机抽取检查对象、随机选派检查人员，抽查结果向社会公开。每次抽取都可以用公开的种子和算法重新核验。',
    none: '还没有已执行的抽查。',
    total: (n) => `共 ${n} 次已执行的抽查。`,
    executedOn: '抽取时间',
    publishedOn: '计划公布时间',
    targetsCount: (n) => `抽中 ${n} 个对象`,
    resultsCount: (published, targets) => `已公布 ${published} / ${targets} 个检查结果`,
    drawTitle: '抽查结果',
    backToList: '全部抽查结果',
    scopeTitle: '抽查范围',
    populationKind: { holders: '获证组织', bodies: '认证机构' },
    schemes: '认证项目',
    bodies: '认证机构',
    division: '行政区划代码前缀',
    statuses: '证书状态',
    approvalStatuses: '批准状态',
    anyValue: '不限',
    asOf: '名录截取日期',
    populationSize: '名录中的对象数',
    tierLine: (tier, population, rate, sample) =>
      `信用等级 ${tier}：${population} 个对象，抽查比例 ${rate}%，抽取 ${sample} 个`,
    tiersLabel: '各信用等级的抽取数',
    inspectorsPerTarget: '每个对象选派检查人员数',
    inspectorPool: '检查人员名录人数',
    targetsTitle: '抽中的对象、检查人员和检查结果',
    noTargets: '本次抽取没有抽中对象。',
    targetId: { holders: '统一社会信用代码', bodies: '机构代码' },
    tier: '信用等级',
    inspectors: '检查人员',
    outcomeLabel: '检查结果',
    outcome: {
      no_problem: '未发现问题',
      rectification_ordered: '责令整改',
      case_opened: '已立案调查',
      not_located: '未找到检查对象',
    },
    outcomePending: '尚未公布',
    inspectedOn: '检查日期',
    findings: '检查情况',
    supersededNote: (n) => `此前公布的 ${n} 个结果已被更正，原记录仍保留在公开数据中。`,
    verifyTitle: '如何核验这次抽取',
    verifyLead:
      '计划公布时先公开了种子的哈希值（承诺值），抽取时才公开种子本身。任何人都可以用下面的数据和公开算法重新抽取一遍，结果应与本页完全一致。',
    algorithm: '算法',
    commitment: '承诺值（种子的 SHA-256）',
    seed: '种子',
    entropySource: '外部公开随机源',
    entropyValue: '外部随机数',
    planHash: '计划哈希',
    populationHash: '对象名录哈希',
    poolHash: '检查人员名录哈希',
    verifyCommand: '在本项目源代码目录中运行：',
    verifyHow: '脚本会下载下面的公开数据，逐项核对哈希、重新抽取，并指出任何不一致之处。',
    jsonLink: '本次抽查的完整公开数据（JSON）',
  },
  en: {
    listTitle: 'Results of “double random, one public” inspections',
    listLead:
      'Inspection targets and inspectors are drawn at random, and the results are published. Anyone can re-check each draw from its published seed and algorithm.',
    none: 'No draw has been executed yet.',
    total: (n) => (n === 1 ? '1 executed draw.' : `${n} executed draws.`),
    executedOn: 'Drawn on',
    publishedOn: 'Plan published on',
    targetsCount: (n) => (n === 1 ? '1 target drawn' : `${n} targets drawn`),
    resultsCount: (published, targets) => `${published} of ${targets} inspection results published`,
    drawTitle: 'Draw result',
    backToList: 'All draw results',
    scopeTitle: 'Scope of the draw',
    populationKind: { holders: 'Certificate holders', bodies: 'Certifying bodies' },
    schemes: 'Schemes',
    bodies: 'Certifying bodies',
    division: 'Administrative division prefix',
    statuses: 'Certificate statuses',
    approvalStatuses: 'Approval statuses',
    anyValue: 'any',
    asOf: 'Directory taken on',
    populationSize: 'Entities in the directory',
    tierLine: (tier, population, rate, sample) =>
      `Credit level ${tier}: ${population} entities, sampling rate ${rate} %, ${sample} drawn`,
    tiersLabel: 'Drawn per credit level',
    inspectorsPerTarget: 'Inspectors per target',
    inspectorPool: 'Inspectors in the pool',
    targetsTitle: 'Targets drawn, their inspectors and the outcomes',
    noTargets: 'This draw drew no target.',
    targetId: { holders: 'Unified social credit code', bodies: 'Body code' },
    tier: 'Credit level',
    inspectors: 'Inspectors',
    outcomeLabel: 'Outcome',
    outcome: {
      no_problem: 'No problem found',
      rectification_ordered: 'Rectification ordered',
      case_opened: 'Case opened',
      not_located: 'Target not located',
    },
    outcomePending: 'Not yet published',
    inspectedOn: 'Inspected on',
    findings: 'Findings',
    supersededNote: (n) =>
      n === 1
        ? 'One earlier result was corrected; the earlier record stays in the published data.'
        : `${n} earlier results were corrected; the earlier records stay in the published data.`,
    verifyTitle: 'How to re-check this draw',
    verifyLead:
      'When the plan was published, only the hash of the seed (the commitment) was made public; the seed itself was revealed at the draw. Anyone can re-run the draw from the data below and the published algorithm and must get exactly this page.',
    algorithm: 'Algorithm',
    commitment: 'Commitment (SHA-256 of the seed)',
    seed: 'Seed',
    entropySource: 'External public randomness source',
    entropyValue: 'External randomness',
    planHash: 'Plan hash',
    populationHash: 'Directory hash',
    poolHash: 'Inspector pool hash',
    verifyCommand: 'In a checkout of this project’s source code, run:',
    verifyHow:
      'The script downloads the published data below, checks every hash, re-runs the draw and names any mismatch.',
    jsonLink: 'The complete published data of this draw (JSON)',
  },
};
