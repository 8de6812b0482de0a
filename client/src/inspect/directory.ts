/**
 * What the console reads once per sign-in and names things with: the inspector directory, the certifying
 * bodies (codes to names) and the risk rules (ids to titles). One request each, whatever a view shows;
 * a failed read is tried again next time.
 */
import type { Inspector } from '../../../server/inspectors/inspector-schema';
import { el } from '../dom';
import { api } from './api';
import type { Body, RuleTitle } from './types';
import { view, type ViewContext } from './ui';

/** A read made once and kept until sign-out (a refused one is forgotten, to be tried again). */
function once<T>(read: () => Promise<T>): { get(): Promise<T>; forget(): void } {
  let kept: Promise<T> | undefined;
  return {
    get() {
      kept ??= read().catch((error: unknown) => {
        kept = undefined;
        throw error;
      });
      return kept;
    },
    forget() {
      kept = undefined;
    },
  };
}

const directory = once(async () => (await api.inspectors()).items);
const bodies = once(async () => new Map((await api.bodies()).items.map((b: Body) => [b.code, b])));
const rules = once(async () => (await api.rules()).items);

/** The active inspectors of the directory. */
export const inspectors = (): Promise<Inspector[]> => directory.get();
/** The certifying bodies by code. */
export const bodiesByCode = (): Promise<Map<string, Body>> => bodies.get();
/** The rules that raise signals, with their titles. */
export const knownRules = (): Promise<RuleTitle[]> => rules.get();

/** Forgets what the last inspector's session read. */
export function forgetDirectory(): void {
  directory.forget();
  bodies.forget();
  rules.forget();
}

/** A body by its name in the page language, with its code after it (the code alone when unknown). */
export function bodyName(ctx: ViewContext, known: Map<string, Body>, code: string | undefined): string {
  if (!code) return '';
  const body = known.get(code);
  if (!body) return code;
  return ctx.lang === 'en' ? `${body.nameEn ?? body.name} (${code})` : `${body.name}（${code}）`;
}

/** An inspector by name, with the unit; the id alone when the directory does not know it. */
export function inspectorLabel(list: Inspector[], id: string): string {
  const found = list.find((i) => i.id === id);
  return found ? `${found.name} · ${found.unit}` : id;
}

/** `#inspectors`: the directory, for choosing an assignee and knowing who is who. */
export async function inspectorsView(ctx: ViewContext): Promise<HTMLElement> {
  const { t } = ctx;
  const list = await inspectors();
  if (list.length === 0) return view(t.directoryHeading, el('p', { class: 'hint' }, t.directoryEmpty));
  const c = t.directoryColumns;
  const cell = (label: string, text: string, className?: string) =>
    el('td', { 'data-label': label, class: className }, text);
  return view(
    t.directoryHeading,
    el('p', { class: 'hint' }, t.directoryHint),
    el(
      'table',
      { class: 'queue cards', id: 'directory' },
      el('caption', { class: 'visually-hidden' }, t.directoryHeading),
      el('thead', {}, el('tr', {}, ...[c.name, c.unit, c.id].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...list.map((i) =>
          el('tr', {}, cell(c.name, i.name), cell(c.unit, i.unit), cell(c.id, i.id, 'code nowrap')),
        ),
      ),
    ),
  );
}
