/**
 * The house rules of docs/architecture.md, checked on the source: the layout stays what the map says.
 * Reads import statements as text (relative imports only; packages are not features).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SERVER = path.join(ROOT, 'server');

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(p);
    return entry.name.endsWith('.ts') ? [p] : [];
  });
}

function resolveImport(fromFile: string, spec: string): string {
  const base = path.resolve(path.dirname(fromFile), spec);
  return ['.ts', '/index.ts'].map((ext) => base + ext).find((p) => fs.existsSync(p)) ?? base;
}

const IMPORT = /^(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?'(\.{1,2}\/[^']+)';/gm;

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({
    from: file,
    to: resolveImport(file, m[2] as string),
    typeOnly: Boolean(m[1]),
  }));
}

const serverFiles = sourceFiles(SERVER);
const serverImports = serverFiles.flatMap(importsOf);
const rel = (p: string) => path.relative(ROOT, p);

/** The folder under server/ a file belongs to: a feature, platform, composition, or '' for the top. */
function folderOf(file: string): string {
  const parts = path.relative(SERVER, file).split(path.sep);
  return parts.length > 1 ? (parts[0] as string) : '';
}

/**
 * Folder pairs that import each other, each kept for a reason (docs/architecture.md, "Loops we keep").
 * Any other pair is a new loop: cut it, or argue for it here and in the map.
 */
const KEPT_LOOPS: Record<string, string> = {
  '|certificates':
    'server/error-texts.ts gathers every feature’s error texts; the lookup pages show any code’s text',
  '|tips': 'server/error-texts.ts gathers the tip error texts; the report form shows any code’s text',
  '|composition': 'the composition root and main.ts read config.ts at the top',
  'certificates|dishonesty':
    'a result page shows its holder’s and body’s listings; the list page uses the lookup error page',
  'dishonesty|signals':
    'credit levels read open signals through the signal repository port; a rule reads listing types',
};

test('when platform/ is read, then it imports no feature (it is the ground floor)', () => {
  const upward = serverImports.filter(
    (i) => folderOf(i.from) === 'platform' && folderOf(i.to) !== 'platform',
  );
  expect(upward.map((i) => `${rel(i.from)} -> ${rel(i.to)}`)).toEqual([]);
});

test('when server/ is read, then only main.ts imports app.ts (routes take their own deps)', () => {
  const app = path.join(SERVER, 'app.ts');
  const importers = serverImports.filter((i) => i.to === app).map((i) => rel(i.from));
  expect(importers).toEqual(['server/main.ts']);
});

test('when the adapters are wired, then only the composition root picks them', () => {
  const ADAPTER = /\/(sqlite|mongo)-[a-z-]+-repository\.ts$/;
  // An adapter may read another feature's collection of the same database (the Mongo draw adapter reads
  // certificates for a draw's population); services, routes and rules never see an adapter.
  const outside = serverImports.filter(
    (i) =>
      ADAPTER.test(i.to) &&
      folderOf(i.to) !== folderOf(i.from) &&
      folderOf(i.from) !== 'composition' &&
      !ADAPTER.test(i.from),
  );
  expect(outside.map((i) => `${rel(i.from)} -> ${rel(i.to)}`)).toEqual([]);
});

test('when feature folders import each other, then no loop exists but the ones kept on purpose', () => {
  const edges = new Set<string>();
  for (const i of serverImports) {
    const a = folderOf(i.from);
    const b = folderOf(i.to);
    if (a !== b) edges.add(`${a}>${b}`);
  }
  const loops = [...edges]
    .map((e) => e.split('>') as [string, string])
    .filter(([a, b]) => a < b && edges.has(`${b}>${a}`))
    .map(([a, b]) => `${a}|${b}`);
  expect(loops.filter((pair) => !(pair in KEPT_LOOPS))).toEqual([]);
  // A kept loop that no longer exists is taken off the list, so the list stays true.
  expect(Object.keys(KEPT_LOOPS).filter((pair) => !loops.includes(pair))).toEqual([]);
});

test('when modules import values from each other, then no module loop exists', () => {
  const graph = new Map<string, string[]>();
  for (const i of serverImports) {
    if (!i.typeOnly) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const loops: string[] = [];
  const visit = (file: string, trail: string[]) => {
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') loops.push([...trail, file, next].map(rel).join(' -> '));
      else if (!state.has(next)) visit(next, [...trail, file]);
    }
    state.set(file, 'done');
  };
  for (const file of serverFiles) if (!state.has(file)) visit(file, []);
  expect(loops).toEqual([]);
});

test('when source files are counted, then none in server/ or client/src/ is over 600 lines', () => {
  const long = [...serverFiles, ...sourceFiles(path.join(ROOT, 'client', 'src'))]
    .map((file) => ({ file: rel(file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 600);
  expect(long).toEqual([]);
});

test('when supervision was split, then no flat server/supervision/ folder is left', () => {
  expect(fs.existsSync(path.join(SERVER, 'supervision'))).toBe(false);
});
