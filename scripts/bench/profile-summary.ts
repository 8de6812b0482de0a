/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): where the busy time goes, by package/file and by
 * function, optionally per request; and for named functions, their inclusive time split by caller.
 *
 *   tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--top 25] [--requests N] [--skip-ms N]
 *                                        [--inclusive NAME]... [--baseline BASE.cpuprofile --baseline-requests N]
 *                                        [--stretches N]
 *
 * `--stretches N`: the N longest stretches the thread was busy without a break (the event loop's longest
 * tasks: what a request arriving meanwhile waits for), each with where its time went.
 *
 * The profiler samples wall-clock time of the running thread: on a machine where other processes compete
 * for the CPU, absolute figures inflate, shares less so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame lives: a package name, a project file, or a V8/Node category. */
export function frameGroup(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const cwd = `file://${process.cwd()}/`;
  return url.startsWith(cwd) ? url.slice(cwd.length) : url;
}

interface Entry {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  /** Busy time: everything sampled except `(idle)`. */
  busyMs: number;
  idleMs: number;
  byFunction: Entry[];
  byGroup: Entry[];
  /** For each named function: its inclusive time, split by the function that called it. */
  inclusive: Record<string, Entry[]>;
}

const frameName = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const g = frameGroup(url, functionName);
  return `${functionName || '(anonymous)'} ${g}${url ? `:${lineNumber + 1}` : ''}`;
};

/** Self time by function and by group, plus inclusive time of the named functions by caller. */
export function summariseProfile(
  profile: CpuProfile,
  inclusiveNames: readonly string[] = [],
  /** Ignore samples taken before this many ms after the profile started (start-up: module loading). */
  skipMs = 0,
): ProfileSummary {
  const selfUs = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < skipMs * 1000) continue;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  let busyUs = 0;
  let idleUs = 0;
  const fn = new Map<string, number>();
  const group = new Map<string, number>();
  const wanted = new Set(inclusiveNames);
  const inclusive = new Map<string, Map<string, number>>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const key = frameName(node);
    fn.set(key, (fn.get(key) ?? 0) + us);
    const g = frameGroup(node.callFrame.url, node.callFrame.functionName);
    group.set(g, (group.get(g) ?? 0) + us);
    // Inclusive: the outermost frame of each named function on this stack, charged to its caller.
    const outermost = new Map<string, number>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)?.callFrame.functionName ?? '';
      if (wanted.has(name)) outermost.set(name, cur);
    }
    for (const [name, nodeId] of outermost) {
      const callerId = parent.get(nodeId);
      const caller = callerId === undefined ? '(root)' : frameName(byId.get(callerId) as ProfileNode);
      const byCaller = inclusive.get(name) ?? new Map<string, number>();
      byCaller.set(caller, (byCaller.get(caller) ?? 0) + us);
      inclusive.set(name, byCaller);
    }
  }
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / Math.max(busyUs, 1) }));
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    byFunction: list(fn),
    byGroup: list(group),
    inclusive: Object.fromEntries(inclusiveNames.map((n) => [n, list(inclusive.get(n) ?? new Map())])),
  };
}

export interface Stretch {
  /** ms since the profile started. */
  startMs: number;
  ms: number;
  /** Self time by function within the stretch, largest first. */
  top: Entry[];
}

/**
 * The `count` longest runs of consecutive busy samples (anything but `(idle)`): on a Node main thread,
 * the event loop's longest uninterrupted tasks.
 */
export function longestStretches(profile: CpuProfile, count: number): Stretch[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stretches: { startUs: number; us: number; self: Map<string, number> }[] = [];
  let at = 0;
  let open: (typeof stretches)[number] | undefined;
  for (let i = 0; i < profile.samples.length; i += 1) {
    // A sample's delta is the time since the one before: it is charged to this sample's frame.
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const node = byId.get(profile.samples[i] as number);
    if (!node || node.callFrame.functionName === '(idle)') {
      open = undefined;
      continue;
    }
    if (!open) {
      open = { startUs: at - delta, us: 0, self: new Map() };
      stretches.push(open);
    }
    open.us += delta;
    const key = frameName(node);
    open.self.set(key, (open.self.get(key) ?? 0) + delta);
  }
  return stretches
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((s) => ({
      startMs: s.startUs / 1000,
      ms: s.us / 1000,
      top: [...s.self.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / Math.max(s.us, 1) })),
    }));
}

export function formatStretches(stretches: readonly Stretch[]): string {
  const lines = [`the ${stretches.length} longest busy stretches:`];
  for (const s of stretches) {
    lines.push(`  ${s.ms.toFixed(1).padStart(7)} ms at ${(s.startMs / 1000).toFixed(2)} s`);
    for (const e of s.top) lines.push(`      ${e.pct.toFixed(0).padStart(3)} %  ${e.name}`);
  }
  return lines.join('\n');
}

/** A readable report; with `requests` (served while profiling) every line also says µs per request. */
export function formatSummary(summary: ProfileSummary, top: number, requests?: number): string {
  const perRequest = (ms: number) =>
    requests ? `${((ms * 1000) / requests).toFixed(1).padStart(8)} µs/req` : '';
  const line = (e: Entry) =>
    `  ${e.pct.toFixed(1).padStart(5)} %  ${e.ms.toFixed(0).padStart(7)} ms${perRequest(e.ms)}  ${e.name}`;
  const lines = [
    `busy ${summary.busyMs.toFixed(0)} ms (idle ${summary.idleMs.toFixed(0)} ms)` +
      (requests
        ? `, ${requests} requests: ${((summary.busyMs * 1000) / requests).toFixed(1)} µs of CPU per request`
        : ''),
    '',
    'self time by package / file:',
    ...summary.byGroup.slice(0, top).map(line),
    '',
    'self time by function:',
    ...summary.byFunction.slice(0, top).map(line),
  ];
  for (const [name, callers] of Object.entries(summary.inclusive)) {
    const total = callers.reduce((sum, e) => sum + e.ms, 0);
    lines.push('', `inclusive time of ${name}: ${total.toFixed(0)} ms${perRequest(total)}, by caller:`);
    lines.push(...callers.slice(0, 8).map(line));
  }
  return lines.join('\n');
}

/**
 * What a server adds per request over a baseline server, by package/file: µs of CPU per request in each,
 * and the difference, largest first. Both profiles should come from the same run.
 */
export function formatDiff(
  summary: ProfileSummary,
  requests: number,
  baseline: ProfileSummary,
  baselineRequests: number,
  top: number,
): string {
  const per = (list: Entry[], n: number) => new Map(list.map((e) => [e.name, (e.ms * 1000) / n]));
  const mine = per(summary.byGroup, requests);
  const base = per(baseline.byGroup, baselineRequests);
  const rows = [...new Set([...mine.keys(), ...base.keys()])]
    .map((name) => ({ name, mine: mine.get(name) ?? 0, base: base.get(name) ?? 0 }))
    .map((r) => ({ ...r, diff: r.mine - r.base }))
    .sort((a, b) => b.diff - a.diff);
  const total = (summary.busyMs * 1000) / requests;
  const baseTotal = (baseline.busyMs * 1000) / baselineRequests;
  const lines = [
    `µs of CPU per request: ${total.toFixed(1)} here, ${baseTotal.toFixed(1)} in the baseline ` +
      `(+${(total - baseTotal).toFixed(1)}); by package / file:`,
    `  ${'here'.padStart(8)} ${'base'.padStart(8)} ${'added'.padStart(8)}`,
  ];
  for (const r of rows.slice(0, top)) {
    lines.push(
      `  ${r.mine.toFixed(1).padStart(8)} ${r.base.toFixed(1).padStart(8)} ${r.diff.toFixed(1).padStart(8)}  ${r.name}`,
    );
  }
  return lines.join('\n');
}

/** The main-thread profile among those `--cpu-prof` wrote into `dir` (loader threads write their own). */
export function mainThreadProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
  return main ? path.join(dir, main) : undefined;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      requests: { type: 'string' },
      'skip-ms': { type: 'string', default: '0' },
      baseline: { type: 'string' },
      'baseline-requests': { type: 'string' },
      inclusive: { type: 'string', multiple: true },
      stretches: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    console.error(
      'usage: tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--top N] [--requests N] [--skip-ms N] [--inclusive NAME]...',
    );
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as CpuProfile;
  const requests = values.requests ? Number(values.requests) : undefined;
  const summary = summariseProfile(profile, values.inclusive ?? [], Number(values['skip-ms']));
  console.log(formatSummary(summary, Number(values.top), requests));
  if (values.stretches)
    console.log(`\n${formatStretches(longestStretches(profile, Number(values.stretches)))}`);
  if (values.baseline && requests && values['baseline-requests']) {
    const base = JSON.parse(fs.readFileSync(path.resolve(values.baseline), 'utf8')) as CpuProfile;
    const baseSummary = summariseProfile(base, [], Number(values['skip-ms']));
    console.log(
      `\n${formatDiff(summary, requests, baseSummary, Number(values['baseline-requests']), Number(values.top))}`,
    );
  }
}
