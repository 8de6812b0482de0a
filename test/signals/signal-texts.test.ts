import type { SignalDraft } from '../../server/signals/signal-schema';
import { unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Chinese prose: at least one CJK ideograph, and its punctuation full-width. */
const CHINESE = /[\u4e00-\u9fa5]/;

describe('signal texts in Chinese and English', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  const raise = async (draft: Partial<SignalDraft> & Pick<SignalDraft, 'ruleId' | 'evidence'>) => {
    const [signal] = await t.services.signals.raise([
      {
        severity: 'medium',
        subject: { kind: 'certificate', key: unique('P').padEnd(22, 'x').slice(0, 22), label: 'CERT-1' },
        dedupKey: unique('text-key:'),
        summary: 'The summary stored with the signal.',
        certificatePublicIds: [],
        ...draft,
      },
    ]);
    return t.services.signals.get(signal!.id);
  };

  test('when a signal of a known rule is read, then its sentence comes in both languages from its evidence', async () => {
    const view = await raise({
      ruleId: 'man-days-padded',
      evidence: { certificateNumber: 'CERT-1', manDays: 7, auditors: 2, days: 3, teamManDays: 6 },
    });
    expect(view.text).toEqual({
      zh: '证书 CERT-1 的审核上报 7 人日，但审核组 2 人在现场 3 天，最多 6 人日。',
      en: 'The audit behind certificate CERT-1 claims 7 man-days, but its 2 auditor(s) were on site 3 day(s): at most 6.',
    });
  });

  test('when the day-after timing signal is read, then the Chinese says the audit ended the day before', async () => {
    const view = await raise({
      ruleId: 'issued-before-audit-end',
      evidence: {
        certificateNumber: 'C-2',
        issueDate: '2025-01-09',
        auditEndDate: '2025-01-08',
        daysIssuedBeforeAuditEnd: -1,
      },
    });
    expect(view.text.zh).toBe('证书 C-2 于 2025-01-09 颁发，审核前一天（2025-01-08）才结束。');
    expect(view.text.en).toContain('the day after its audit ended');
  });

  test("when a signal's evidence is from an older rule, or its rule is unknown, then it falls back on the title and the stored summary", async () => {
    // An old body-volume-outlier signal, from when it counted man-days.
    const old = await raise({
      ruleId: 'body-volume-outlier',
      subject: { kind: 'body', key: 'HZC' },
      evidence: { certificates: 40, manDays: 40, certificatesPerManDay: 1 },
    });
    expect(old.text.en).toBe('The summary stored with the signal.');
    expect(old.text.zh).toMatch(CHINESE);
    expect(old.text.zh).toContain('：The summary stored with the signal.');
    const unknown = await raise({ ruleId: 'retired-rule', evidence: {} });
    expect(unknown.text).toEqual({
      zh: 'retired-rule：The summary stored with the signal.',
      en: 'The summary stored with the signal.',
    });
  });

  test('when signals are listed, then each carries its text', async () => {
    await raise({
      ruleId: 'out-of-scope-attempt',
      subject: { kind: 'body', key: 'TXTB' },
      bodyCode: 'TXTB',
      evidence: { kind: 'scheme', pattern: '超范围认证', rowsRefused: 2 },
    });
    const page = await t.services.signals.list({ bodyCode: 'TXTB' }, { page: 1, pageSize: 10 });
    expect(page.items[0]?.text).toEqual({
      zh: 'TXTB 试图上报 2 条超出批准范围的认证领域（超范围认证），相关行已被拒绝。',
      en: 'TXTB tried to report 2 row(s) outside its approved scope (scheme); the rows were refused.',
    });
  });
});
