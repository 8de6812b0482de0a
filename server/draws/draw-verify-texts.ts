/**
 * What scripts/verify-draw.ts prints, in Chinese and English: the public re-checks a published draw with
 * it, so every verdict, check and error speaks the reader's language (`--lang`, else the system locale:
 * scripts/cli-lang.ts). Hashes, ids and JSON stay as published.
 */
import type { Lang } from '../platform/i18n';

/** The checks, in the order the script makes them. */
export type DrawCheck =
  | 'commitmentNoted'
  | 'planHashNoted'
  | 'planFingerprint'
  | 'populationHash'
  | 'populationSize'
  | 'poolHash'
  | 'poolSize'
  | 'tierSizes'
  | 'seedCommitment'
  | 'externalEntropy'
  | 'rerun'
  | 'rerunResult'
  | 'targetNames'
  | 'recusals'
  | 'inspectorsPerTarget'
  | 'results';

export interface DrawVerifyTexts {
  usage: string;
  badLang: string;
  /** A command line the parser refused (Node words it in English); `what` is what it names. */
  badCommandLine: (what: string | undefined, english: string) => string;
  badHex: (option: string, value: string) => string;
  urlWithFile: string;
  notDrawId: (target: string) => string;
  badUrl: (base: string) => string;
  cannotRead: (file: string, why: string) => string;
  notJson: string;
  cannotFetch: (url: string, why: string) => string;
  answered: (url: string, status: number, body: string) => string;
  notDocument: (where: string, why: string) => string;
  /** The check names; `inspectorsPerTarget` takes the count. */
  checks: Record<Exclude<DrawCheck, 'inspectorsPerTarget'>, string> & {
    inspectorsPerTarget: (n: number) => string;
  };
  ok: string;
  mismatch: string;
  /** `check: detail` after a mismatch. */
  detail: (check: string, detail: string) => string;
  computed: (value: string) => string;
  rerunCount: (redrawn: number, published: number) => string;
  rerunAt: (position: number, redrawn: string, published: string) => string;
  header: (id: string, algorithm: string, title: string) => string;
  state: (state: string, size: number, planHash: string) => string;
  states: Record<string, string>;
  notExecuted: (commitment: string) => string;
  failed: (count: number, checks: string) => string;
  planOk: string;
  allOk: (targets: number) => string;
}

export const DRAW_VERIFY_TEXTS: Record<Lang, DrawVerifyTexts> = {
  zh: {
    usage: `用法：npm run verify-draw -- 抽查编号|文件 [选项]
仅凭公开数据复核一次已公布的随机抽查。
  抽查编号                    从 --url 指定的平台获取 /api/v1/draws/抽查编号
  文件                        已保存的该文档（JSON）
  --url BASE_URL              平台地址（默认 PUBLIC_BASE_URL，否则 http://localhost:3000）
  --expect-commitment HEX     公布方案时记下的承诺值
  --expect-plan-hash HEX      公布方案时记下的方案哈希
  --lang zh|en                输出语言（默认按系统区域设置）
  --help                      显示本说明
退出状态：0 全部通过；1 有检查不通过；2 用法、获取或格式错误；3 方案无误但尚未执行。`,
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) =>
      what ? `命令行有误：无法识别或缺少取值的“${what}”。用法见 --help。` : '命令行有误。用法见 --help。',
    badHex: (option, value) => `${option} 必须是十六进制的 SHA-256（64 个字符），而不是“${value}”。`,
    urlWithFile: '--url 只能与抽查编号一起使用，不能与文件一起使用。',
    notDrawId: (target) => `“${target}”既不是文件，也不是抽查编号（DR 加 16 个 A-Z、2-7 字符）。`,
    badUrl: (base) => `--url 必须是 http(s) 网址，而不是“${base}”。`,
    cannotRead: (file, why) => `无法把 ${file} 读作 JSON：${why}`,
    notJson: '内容不是有效的 JSON。',
    cannotFetch: (url, why) => `无法获取 ${url}：${why}`,
    answered: (url, status, body) => `GET ${url} 返回 ${status}：${body}`,
    notDocument: (where, why) => `不是已公布的抽查文档（${where}：${why}）。`,
    checks: {
      commitmentNoted: '承诺值与公布时记下的一致',
      planHashNoted: '方案哈希与公布时记下的一致',
      planFingerprint: '方案指纹与 planHash 一致',
      populationHash: '抽查总体与其哈希一致',
      populationSize: '抽查总体的数量',
      poolHash: '检查人员库及回避关系与其哈希一致',
      poolSize: '检查人员库的人数',
      tierSizes: '各风险等级的抽取数量',
      seedCommitment: '种子与承诺值一致（种子的 SHA-256）',
      externalEntropy: '仅当方案指定外部随机源时给出外部随机数',
      rerun: '重新运行抽取',
      rerunResult: '重新运行得到公布的对象和检查人员',
      targetNames: '抽中对象的名称与抽查总体一致',
      recusals: '没有检查人员被抽去检查其应回避的对象',
      inspectorsPerTarget: (n) => `每个对象 ${n} 名互不相同、来自人员库的检查人员`,
      results: '只有抽中对象才有检查结果',
    },
    ok: '通过',
    mismatch: '不符',
    detail: (check, detail) => `${check}：${detail}`,
    computed: (value) => `计算得 ${value}`,
    rerunCount: (redrawn, published) => `重新抽出 ${redrawn} 个对象，公布 ${published} 个`,
    rerunAt: (position, redrawn, published) => `第 ${position} 位：重新抽出 ${redrawn}，公布 ${published}`,
    header: (id, algorithm, title) => `抽查 ${id}（${algorithm}）：${title}`,
    state: (state, size, planHash) => `状态：${state}；抽查总体 ${size} 个；方案哈希 ${planHash}`,
    states: { published: '已公布方案，尚未执行', executed: '已执行' },
    notExecuted: (commitment) => `尚未执行：种子仍保密，承诺值 ${commitment}`,
    failed: (count, checks) => `未通过：${count} 项检查不成立：${checks}`,
    planOk: '方案无误：公布的方案经得起复核；抽查执行后请再次复核。',
    allOk: (targets) => `全部通过：重新运行得到公布的结果（${targets} 个对象）。`,
  },
  en: {
    usage: `Usage: npm run verify-draw -- DRAW_ID|FILE [options]
Re-checks a published random inspection draw from its published data alone.
  DRAW_ID                     fetch /api/v1/draws/DRAW_ID from the portal at --url
  FILE                        a saved copy of that document (JSON)
  --url BASE_URL              the portal (default PUBLIC_BASE_URL, else http://localhost:3000)
  --expect-commitment HEX     the commitment you noted when the plan was published
  --expect-plan-hash HEX      the plan hash you noted when the plan was published
  --lang zh|en                the language it speaks (default: the system locale)
  --help                      show this text
Exit status: 0 every check passes; 1 a check fails; 2 usage, fetch or format error; 3 the plan checks out
but has not been executed yet.`,
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    badHex: (option, value) => `${option} must be a SHA-256 in hex (64 characters), not "${value}"`,
    urlWithFile: '--url goes with a draw id, not with a file',
    notDrawId: (target) => `"${target}" is neither a file nor a draw id (DR and 16 of A-Z, 2-7)`,
    badUrl: (base) => `--url must be an http(s) URL, not "${base}"`,
    cannotRead: (file, why) => `Cannot read ${file} as JSON: ${why}`,
    notJson: 'not valid JSON',
    cannotFetch: (url, why) => `Cannot fetch ${url}: ${why}`,
    answered: (url, status, body) => `GET ${url} answered ${status}: ${body}`,
    notDocument: (where, why) => `Not a published draw document (${where}: ${why})`,
    checks: {
      commitmentNoted: 'commitment is the one noted at publication',
      planHashNoted: 'plan hash is the one noted at publication',
      planFingerprint: 'plan fingerprint matches planHash',
      populationHash: 'population matches its hash',
      populationSize: 'population size',
      poolHash: 'inspector pool and recusals match their hash',
      poolSize: 'inspector pool size',
      tierSizes: 'sample size per tier',
      seedCommitment: 'seed matches the commitment (SHA-256 of the seed)',
      externalEntropy: 'external entropy given exactly when the plan names a source',
      rerun: 're-run of the draw',
      rerunResult: 're-run gives the published targets and inspectors',
      targetNames: 'targets carry their names from the population',
      recusals: 'no inspector drawn for a target they are recused from',
      inspectorsPerTarget: (n) => `${n} distinct inspectors of the pool per target`,
      results: 'results only for drawn targets',
    },
    ok: 'ok      ',
    mismatch: 'MISMATCH',
    detail: (check, detail) => `${check}: ${detail}`,
    computed: (value) => `computed ${value}`,
    rerunCount: (redrawn, published) => `${redrawn} targets re-drawn, ${published} published`,
    rerunAt: (position, redrawn, published) =>
      `position ${position}: re-drawn ${redrawn}, published ${published}`,
    header: (id, algorithm, title) => `draw ${id} (${algorithm}): ${title}`,
    state: (state, size, planHash) => `state ${state}; population ${size}; plan hash ${planHash}`,
    states: {},
    notExecuted: (commitment) => `not executed yet: seed secret, commitment ${commitment}`,
    failed: (count, checks) => `FAILED: ${count} check(s) do not hold: ${checks}`,
    planOk: 'PLAN OK: the published plan checks out; re-run the check after the draw is executed.',
    allOk: (targets) => `OK: the draw re-runs to the published result (${targets} targets).`,
  },
};
