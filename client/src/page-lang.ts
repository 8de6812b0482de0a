import { asLang, DEFAULT_LANG, type Lang } from '../../server/platform/i18n';

/** The language the server rendered the page in (its `<html lang>`): the scanner speaks the same. */
export function pageLang(): Lang {
  return document.documentElement.lang.toLowerCase().startsWith('en') ? 'en' : DEFAULT_LANG;
}

/** The language named in the page URL, carried on links so that the reader's choice sticks. */
export function explicitLang(): Lang | undefined {
  return asLang(new URLSearchParams(location.search).get('lang'));
}

/** A same-site path with `?lang=` kept when the reader chose a language. */
export function withLang(path: string): string {
  const lang = explicitLang();
  return lang ? `${path}?lang=${lang}` : path;
}
