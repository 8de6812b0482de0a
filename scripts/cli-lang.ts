/**
 * The language of a command-line tool: `--lang zh|en` when given, else the system locale (LC_ALL,
 * LC_MESSAGES, LANG: zh… is Chinese: server/platform/locale.ts, which the server shares), else English. Every CLI that prints prose a person reads picks its
 * language here, so they all answer the same way.
 */
import { asLang, type Lang } from '../server/platform/i18n';
import { localeLang } from '../server/platform/locale';

/** The CLI's language: `--lang` when given (undefined when it names neither), else the locale's. */
export function cliLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang | undefined {
  if (flag !== undefined) return asLang(flag);
  return localeLang(env);
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
