/**
 * The language of a command-line tool: `--lang zh|en` when given, else the system locale (LC_ALL,
 * LC_MESSAGES, LANG: zh… is Chinese), else English. Every CLI that prints prose a person reads picks its
 * language here, so they all answer the same way.
 */
import { asLang, type Lang } from '../server/platform/i18n';

/** The CLI's language: `--lang` when given (undefined when it names neither), else the locale's. */
export function cliLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang | undefined {
  if (flag !== undefined) return asLang(flag);
  // POSIX: the first of these that is set and not empty decides.
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  return /^zh([_.@-]|$)/i.test(locale) ? 'zh' : 'en';
}

/** `--lang` as given (looked for before the rest is parsed, so that even a usage error speaks it). */
export function langFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--lang') return argv[i + 1] ?? '';
    if (arg.startsWith('--lang=')) return arg.slice('--lang='.length);
  }
  return undefined;
}

/**
 * The language to speak (`lang`) and whether `--lang` was valid (`valid`: false when it named neither
 * language, which the tool refuses as a usage error, in the locale's language).
 */
export function cliLanguage(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): { lang: Lang; valid: boolean } {
  const chosen = cliLang(langFlag(argv), env);
  return { lang: chosen ?? cliLang(undefined, env) ?? 'en', valid: chosen !== undefined };
}
