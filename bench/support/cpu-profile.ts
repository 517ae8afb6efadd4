import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../services/shared/repo-root.js';

/** The parts of V8's `.cpuprofile` (written by `node --cpu-prof`) that the summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  /** Microseconds on the monotonic clock, the same as `process.hrtime`. */
  startTime: number;
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

/** Where a process's CPU went during a window of its profile: total and per frame / per area, in microseconds. */
export interface ProfileSummary {
  /** Sampled time spent doing anything but waiting. */
  busyUs: number;
  /** Self time per function (`name (file:line)`), largest first. */
  frames: Array<[string, number]>;
  /** Self time per area (our code by service, each npm package, Node's internals, GC), largest first. */
  areas: Array<[string, number]>;
}

/** The monotonic clock in microseconds, as a profile's timestamps are. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Sums a profile's samples taken between `fromUs` and `toUs` (monotonic, see `monotonicMicros`). */
export function summarizeProfile(file: string, fromUs: number, toUs: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const spanUs = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) continue;
    const frame = frameOf.get(profile.samples[i])!;
    if (frame.functionName === '(idle)') continue;
    busyUs += spanUs;
    const where = locationOf(frame.url);
    const name = where ? `${frame.functionName || '(anonymous)'} (${where}:${frame.lineNumber + 1})` : frame.functionName;
    frames.set(name, (frames.get(name) ?? 0) + spanUs);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + spanUs);
  }
  const largestFirst = (totals: Map<string, number>) => [...totals].sort((a, b) => b[1] - a[1]);
  return { busyUs, frames: largestFirst(frames), areas: largestFirst(areas) };
}

/** A frame's file relative to the repository (never a machine path), or Node's own module name. */
function locationOf(url: string): string {
  if (!url.startsWith('file://')) return url;
  return relative(repoRoot(), fileURLToPath(url));
}

/** `services/<name>`, an npm package, `node internals`, or V8's own entries such as `(garbage collector)`. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node internals';
  const path = locationOf(url);
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1];
  const inService = /^dist\/(services\/[^/]+|gen)/.exec(path);
  return inService ? inService[1] : path;
}
