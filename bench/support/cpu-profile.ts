import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** CPU time spent running (idle excluded), ms. */
  busyMs: number;
  wallMs: number;
  /** Self time by place (package, src file, node internal, GC), largest first. */
  places: Array<{ place: string; ms: number; share: number }>;
  /** Time with a frame of the place anywhere on the stack (our files and the packages of the web path). */
  inclusive: Array<{ place: string; ms: number; share: number }>;
}

/** Self time of the largest `.cpuprofile` in `dir` (the main thread; tsx's loader thread writes a small one too), by place. */
export function summariseCpuProfiles(dir: string, top = 12): ProfileSummary | null {
  const files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
  if (files.length === 0) return null;
  const largest = files.map((name) => join(dir, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return summariseCpuProfile(JSON.parse(readFileSync(largest, "utf8")) as CpuProfile, top);
}

export function summariseCpuProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const places = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const place = placeOf(byId.get(id)!);
    if (place === "(idle)") continue;
    busyUs += us;
    places.set(place, (places.get(place) ?? 0) + us);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) onStack.add(placeOf(byId.get(at)!));
    for (const seen of onStack) inclusive.set(seen, (inclusive.get(seen) ?? 0) + us);
  }
  const share = ([place, us]: [string, number]) => ({ place, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 });
  return {
    busyMs: busyUs / 1000,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    places: [...places].sort((a, b) => b[1] - a[1]).slice(0, top).map(share),
    inclusive: [...inclusive]
      .filter(([place]) => INCLUSIVE_PLACES.test(place))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(share),
  };
}

/** Places worth an inclusive figure: our code and what the webhook path runs through. */
const INCLUSIVE_PLACES = /^(src\/|bench\/|ioredis|bullmq|pino|pino-http|@pinojs\/redact|probot|@octokit\/webhooks|@octokit\/webhooks-methods|octokit-auth-probot|@octokit\/core|express|node:internal\/crypto)/;

/** Where a frame's code lives: an npm package, one of our files, a node built-in, or a V8 pseudo-frame. */
function placeOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : `(native ${functionName || "anonymous"})`;
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [first, second] = url.slice(modules + "/node_modules/".length).split("/");
    return first?.startsWith("@") ? `${first}/${second}` : first!;
  }
  if (url.startsWith("node:")) return url;
  const src = url.search(/\/(src|bench|test)\//);
  return src >= 0 ? url.slice(src + 1) : url;
}

export function formatProfile(summary: ProfileSummary, label: string): string[] {
  const lines = [`${label}: ${summary.busyMs.toFixed(0)} ms CPU busy of ${summary.wallMs.toFixed(0)} ms profiled; self time by place:`];
  for (const place of summary.places) lines.push(`  ${(place.share * 100).toFixed(1).padStart(5)}%  ${place.ms.toFixed(0).padStart(6)} ms  ${place.place}`);
  lines.push("  inclusive (a frame of the place anywhere on the stack):");
  for (const place of summary.inclusive) lines.push(`  ${(place.share * 100).toFixed(1).padStart(5)}%  ${place.ms.toFixed(0).padStart(6)} ms  ${place.place}`);
  return lines;
}
