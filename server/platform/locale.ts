/**
 * The language of a process a person runs by hand (the server at start-up, every CLI): the system locale
 * (LC_ALL, LC_MESSAGES, LANG: zh… is Chinese), else English. The CLIs put their `--lang` flag first
 * (scripts/cli-lang.ts); the server has only the locale. One negotiation for both, so they answer alike.
 */
import type { Lang } from './i18n';

/** The locale's language: POSIX, the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty decides. */
export function localeLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  return /^zh([_.@-]|$)/i.test(locale) ? 'zh' : 'en';
}

/**
 * An error that stops a process at start (a bad DATA_DIR, configuration, key file): a stable code and a
 * one-line text for the operator in either language. `message` is the English text, so logs and callers
 * that print `message` read as before.
 */
export abstract class StartupRefusal extends Error {
  abstract readonly code: string;
  abstract text(lang: Lang): string;
}
