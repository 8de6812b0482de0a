/**
 * Texts of the search page (`/search`): its filters, the expiry date in the list, and the hint for a
 * query too short to search. Plain data; the lookup pages' shared words stay in certificate-texts.ts.
 */
import type { Lang } from '../platform/i18n';

export interface SearchTexts {
  /** The page's heading before anything was searched. */
  searchPageTitle: string;
  filtersLegend: string;
  statusLabel: string;
  schemeLabel: string;
  bodyLabel: string;
  /** The "any" choice of each filter. */
  anyStatus: string;
  anyScheme: string;
  anyBody: string;
  /**
   * The expiry date of a listed certificate, qualified by its status: "valid until" only for a valid one,
   * "expired on" for an expired one, a plain expiry date for one suspended, revoked or withdrawn.
   */
  expiresOn: (date: string, status: 'valid' | 'expired' | 'other') => string;
  /** A query of one character (or none that can be searched): what to type instead. */
  shortQueryTitle: string;
  shortQueryHint: string;
  /** Nothing typed yet. */
  emptyQueryHint: string;
  /** The filters in force, said beside the total. */
  filteredBy: (parts: string[]) => string;
}

export const SEARCH_TEXTS: Record<Lang, SearchTexts> = {
  zh: {
    searchPageTitle: '查询证书',
    filtersLegend: '筛选条件',
    statusLabel: '证书状态',
    schemeLabel: '认证项目',
    bodyLabel: '认证机构',
    anyStatus: '全部状态',
    anyScheme: '全部认证项目',
    anyBody: '全部认证机构',
    expiresOn: (date, status) =>
      status === 'valid'
        ? `有效期至 ${date}`
        : status === 'expired'
          ? `已于 ${date} 到期`
          : `证书到期日 ${date}`,
    shortQueryTitle: '请再多输入一些',
    shortQueryHint:
      '只输入一个字无法查询：请输入组织名称中连续的两个字以上，或完整的统一社会信用代码、证书编号。',
    emptyQueryHint: '请输入组织名称中连续的两个字以上，或完整的统一社会信用代码、证书编号。',
    filteredBy: (parts) => `筛选：${parts.join('，')}`,
  },
  en: {
    searchPageTitle: 'Search certificates',
    filtersLegend: 'Filters',
    statusLabel: 'Status',
    schemeLabel: 'Scheme',
    bodyLabel: 'Certifying body',
    anyStatus: 'Any status',
    anyScheme: 'Any scheme',
    anyBody: 'Any certifying body',
    expiresOn: (date, status) =>
      status === 'valid'
        ? `Valid until ${date}`
        : status === 'expired'
          ? `Expired on ${date}`
          : `Expiry date ${date}`,
    shortQueryTitle: 'Please type a little more',
    shortQueryHint:
      'One character is too little to search: type two or more consecutive characters of the organisation name, or a full credit code or certificate number.',
    emptyQueryHint:
      'Type two or more consecutive characters of the organisation name, or a full credit code or certificate number.',
    filteredBy: (parts) => `Filtered by ${parts.join(', ')}`,
  },
};

export function searchTextsFor(lang: Lang): SearchTexts {
  return SEARCH_TEXTS[lang];
}
