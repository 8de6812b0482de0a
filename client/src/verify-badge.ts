/**
 * On `/v/:publicId` opened from a QR code: checks the signed fragment in the browser and says so next
 * to the server-rendered card ("signature verified" or "ALTERED"). Without JavaScript the page is
 * complete as it is; this only adds the proof that the printed data was not changed.
 */
import { messagesFor } from '../../server/certificates/certificate-texts';
import type { Lang } from '../../server/platform/i18n';
import { parseQrUrl, type SignedFields } from '../../server/qr/qr-payload';
import type { SignedFieldName } from '../../server/qr/qr-schema';
import { el } from './dom';
import { differencesNote, signatureLine } from './result-card';
import { checkSignature } from './signature';
import { CLIENT_TEXTS } from './texts';

let generation = 0;

function text(root: ParentNode, selector: string): string | undefined {
  return root.querySelector(selector)?.textContent?.trim() || undefined;
}

/** Signed identity fields that differ from what the server rendered (the registry's data now). */
function differences(card: Element, fields: SignedFields): SignedFieldName[] {
  const shown: Partial<Record<SignedFieldName, string | undefined>> = {
    number: text(card, '#cert-title .code'),
    holderName: text(card, '.holder-name'),
    holderCreditCode: text(card, 'section[aria-labelledby="holder-title"] dd.code'),
  };
  return (Object.keys(shown) as SignedFieldName[]).filter(
    (k) => shown[k] !== undefined && shown[k] !== fields[k],
  );
}

/** Checks the fragment of the page URL now; `hashchange` calls it again (a link pasted into the tab). */
export async function mountVerifyBadge(card: HTMLElement, lang: Lang): Promise<void> {
  const mine = ++generation;
  card.querySelector('[data-slot="signature-check"]')?.remove();
  if (!location.hash) return;
  const parsed = parseQrUrl(location.href);
  if (!parsed || parsed.origin !== location.origin) return;
  const check = await checkSignature(parsed);
  if (mine !== generation) return;
  const line = signatureLine(lang, check);
  if (!line) return;
  const t = CLIENT_TEXTS[lang];
  const box =
    check.state === 'altered'
      ? el(
          'section',
          {
            class: 'warning signature-box',
            'data-slot': 'signature-check',
            'aria-labelledby': 'signature-title',
          },
          el('h2', { id: 'signature-title' }, `⚠ ${messagesFor(lang).warningHeading}`),
          line,
          el('p', {}, t.alteredOnResultPage),
        )
      : el('section', { class: 'signature-box', 'data-slot': 'signature-check' }, line);
  if (check.state === 'verified' && check.fields) {
    const note = differencesNote(lang, differences(card, check.fields));
    if (note) box.append(note);
  }
  const banner = card.querySelector('.banner');
  if (banner) banner.after(box);
  else card.prepend(box);
}
