/*
 * End to end: PRs of exactly N chunks reviewed by real web + worker processes against the GitHub fake
 * and a model fake with a fixed latency; reviews/min against the ideal that the model latency and the
 * configured concurrency allow, per worker count; the single-installation ceiling set by Octokit's
 * write throttling; GitHub calls per review by route; prompt overhead at the default chunk budget;
 * peak RSS of the workers.
 */
import { countTokens } from "../src/llm/count-tokens.js";
import { isReadOnlyGraphql } from "../src/process/read-only-graphql.js";
import { planReview } from "../src/review/plan-review.js";
import type { RecordedAimlRequest } from "../test/fakes/aimlapi-fake.js";
import type { RecordedGithubRequest } from "../test/fakes/github-fake.js";
import type { BenchSettings } from "./bench-settings.js";
import { startBenchRedis, type BenchRedis } from "./support/bench-redis.js";
import { closeClusterRun, runReviewCluster, type ClusterCpu, type ClusterRun, type PullSpec } from "./support/review-cluster.js";
import { median } from "./support/stats.js";
import { buildSyntheticDiff } from "./synthetic-diff.js";

export interface Phases {
  /** Job start (its first GitHub request) to its first model call: PR, config, earlier reviews, check run, diff. */
  beforeModelMs: number;
  /** First model call to the last model reply. */
  modelMs: number;
  /** Last model reply to the review's POST. */
  toReviewMs: number;
  /** Review POST to the check run's completion (the job's last write). */
  afterReviewMs: number;
  /** Job start to check run completed. */
  serviceMs: number;
}

export interface WorkerRun {
  workers: number;
  prs: number;
  slots: number;
  /** First delivery to last review posted, s (after the warm-up round). */
  makespanS: number;
  reviewsPerMinute: number;
  idealS: number;
  idealReviewsPerMinute: number;
  efficiency: number;
  modelCalls: number;
  phases: Phases;
  failedDeliveries: number;
  unexpected: number;
  /** The warm-up round before the timed run (one review per slot, fresh processes): first delivery to last review, s. */
  warmupS: number | null;
  /** CPU per review over the timed run, ms: the workers, the web process, Redis, and the fakes (this process). */
  cpuPerReviewMs: ClusterCpu;
  /** All that CPU over the makespan: cores kept busy (the machine has 2). */
  coresBusy: number;
}

export interface CeilingRun {
  installations: number;
  prs: number;
  /** Per installation: reviews per minute between its first and last review post. */
  perInstallation: number[];
  /** All installations together. */
  combinedPerMinute: number;
  /** Shortest gap between review posts of different installations, ms (< 3,000: not spaced by one throttle). */
  minCrossInstallationGapMs: number | null;
  /** Shortest gap between two review posts of one installation, ms. */
  minSameInstallationGapMs: number | null;
  peakRssMb: number;
}

export interface RouteCount {
  route: string;
  perReview: number;
}

export interface EndToEndFigures {
  chunkTokens: number;
  chunksPerPr: number;
  workerConcurrency: number;
  chunkConcurrency: number;
  modelLatencyMs: number;
  runs: WorkerRun[];
  /** reviews/min with the most workers over reviews/min with one. */
  scaling: { workers: number; speedup: number; idealSpeedup: number } | null;
  single: CeilingRun | null;
  double: CeilingRun | null;
  /** From the 1-worker run (one installation per PR, so its token exchange counts once per review). */
  calls: { perReview: number; withoutToken: number; routes: RouteCount[]; writesPerReview: number };
  overhead: { chunks: number; diffTokens: number; instructionTokens: number; contextTokens: number; schemaTokens: number; share: number; shareWithSchema: number; lastChunkShare: number };
  peakWorkerRssMb: number;
  /** Largest RSS of a worker once started, before its first job. */
  startWorkerRssMb: number;
}

const OWNER = "bench-org";

export async function measureEndToEnd(settings: BenchSettings["e2e"], log: (line: string) => void): Promise<EndToEndFigures> {
  const diff = buildSyntheticDiff({ files: 4, changedLines: 160, seed: 3 }).text;
  const chunkTokens = budgetForChunks(diff, settings.chunksPerPr);
  const env = {
    REVIEW_CHUNK_TOKENS: String(chunkTokens),
    WORKER_CONCURRENCY: String(settings.workerConcurrency),
    REVIEW_CHUNK_CONCURRENCY: String(settings.chunkConcurrency),
  };
  const redis = await startBenchRedis();
  const runs: WorkerRun[] = [];
  const rss: number[] = [];
  const startRss: number[] = [];
  let calls: EndToEndFigures["calls"] | null = null;
  try {
    const perReviewModelMs = Math.ceil(settings.chunksPerPr / settings.chunkConcurrency) * settings.modelLatencyMs;
    for (const workers of settings.workers) {
      const pulls = spreadPulls(settings.prs, diff, 1_000 * workers);
      const slots = workers * settings.workerConcurrency;
      const idealS = (Math.ceil(pulls.length / slots) * perReviewModelMs) / 1000;
      // One warm-up review per slot before the timed run (review-cluster.ts says why); its round is reported apart.
      const warmupPulls = Array.from({ length: settings.warmup ? slots : 0 }, (_, i) => ({ installationId: 90_000 + workers * 100 + i, owner: OWNER, repo: `warmup-${workers}-${i + 1}`, number: 1, diff }));
      const run = await cluster(redis, { workers, env, pulls, warmupPulls, modelLatencyMs: settings.modelLatencyMs, timeoutMs: idealS * 6_000 + 60_000 });
      try {
        const reviews = reviewTimelines(run, pulls, settings.modelLatencyMs);
        const makespanS = (Math.max(...reviews.map((review) => review.reviewAt)) - run.startedAt) / 1000;
        const modelCalls = run.model.requests.filter((request) => request.path.startsWith("/v1/responses")).length;
        const perReview = (ms: number) => ms / pulls.length;
        const { web, workers: workerCpu, redis: redisCpu, bench } = run.cpuMs;
        runs.push({
          workers,
          prs: pulls.length,
          slots,
          makespanS,
          reviewsPerMinute: (pulls.length / makespanS) * 60,
          idealS,
          idealReviewsPerMinute: (pulls.length / idealS) * 60,
          efficiency: idealS / makespanS,
          modelCalls,
          phases: medianPhases(reviews),
          failedDeliveries: run.failedDeliveries,
          unexpected: run.github.unexpected.length + run.model.unexpected.length + run.model.invalidRequests.length,
          warmupS: run.warmupS,
          cpuPerReviewMs: { workers: perReview(workerCpu), web: perReview(web), redis: perReview(redisCpu), bench: perReview(bench) },
          coresBusy: (workerCpu + web + redisCpu + bench) / 1000 / makespanS,
        });
        rss.push(...run.workerPeakRssMb);
        startRss.push(...run.workerStartRssMb);
        calls ??= countCalls(run.github.requests, pulls.length);
        const last = runs.at(-1)!;
        log(`  ${workers} worker(s): ${last.reviewsPerMinute.toFixed(1)} reviews/min, ${(last.efficiency * 100).toFixed(0)}% of ideal, ${modelCalls} model calls, service ${(last.phases.serviceMs / 1000).toFixed(2)} s/review (median ms: before model ${last.phases.beforeModelMs.toFixed(0)}, model ${last.phases.modelMs.toFixed(0)}, to review ${last.phases.toReviewMs.toFixed(0)}, to check done ${last.phases.afterReviewMs.toFixed(0)}); CPU ms/review: workers ${last.cpuPerReviewMs.workers.toFixed(0)}, web ${last.cpuPerReviewMs.web.toFixed(0)}, redis ${last.cpuPerReviewMs.redis.toFixed(0)}, fakes ${last.cpuPerReviewMs.bench.toFixed(0)} (${last.coresBusy.toFixed(2)} cores busy); warm-up round ${last.warmupS?.toFixed(2) ?? "-"} s`);
      } finally {
        await closeClusterRun(run);
        await redis.client.flushall();
      }
    }

    const ceilingWorkers = Math.max(...settings.workers);
    const single = await measureCeiling(redis, 1, settings, env, diff, ceilingWorkers, log);
    const double = await measureCeiling(redis, 2, settings, env, diff, ceilingWorkers, log);
    const overhead = await measureOverhead(redis, settings, log);

    const one = runs.find((run) => run.workers === 1);
    const most = runs.reduce((best, run) => (run.workers > best.workers ? run : best), runs[0]!);
    return {
      chunkTokens,
      chunksPerPr: settings.chunksPerPr,
      workerConcurrency: settings.workerConcurrency,
      chunkConcurrency: settings.chunkConcurrency,
      modelLatencyMs: settings.modelLatencyMs,
      runs,
      scaling: one && most !== one ? { workers: most.workers, speedup: most.reviewsPerMinute / one.reviewsPerMinute, idealSpeedup: one.idealS / most.idealS } : null,
      single,
      double,
      calls: calls ?? { perReview: Number.NaN, withoutToken: Number.NaN, routes: [], writesPerReview: Number.NaN },
      overhead,
      peakWorkerRssMb: Math.max(...rss, single.peakRssMb, double.peakRssMb),
      startWorkerRssMb: Math.max(...startRss),
    };
  } finally {
    await redis.stop();
  }
}

async function cluster(
  redis: BenchRedis,
  options: { workers: number; env: Record<string, string>; pulls: PullSpec[]; warmupPulls?: PullSpec[]; modelLatencyMs: number; timeoutMs: number },
): Promise<ClusterRun> {
  const warmupPulls = options.warmupPulls ?? [];
  const installations = [...new Set([...options.pulls, ...warmupPulls].map((pull) => pull.installationId))];
  return runReviewCluster({ redis, workers: options.workers, env: options.env, installations, modelLatencyMs: options.modelLatencyMs, warmupPulls }, options.pulls, options.timeoutMs);
}

/** One PR per repository, each repository in its own installation (ids from `firstInstallation`). */
function spreadPulls(count: number, diff: string, firstInstallation: number): PullSpec[] {
  return Array.from({ length: count }, (_, i) => ({ installationId: firstInstallation + i, owner: OWNER, repo: `spread-${i + 1}`, number: 1, diff }));
}

/** The largest chunk budget that cuts `diff` into exactly `chunks` chunks (the worker's own planner decides). */
function budgetForChunks(diff: string, chunks: number): number {
  for (let budget = 4_000; budget >= 200; budget -= 20) {
    const plan = planReview(diff, { chunkTokens: budget, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] });
    if (plan.chunks.length === chunks) return budget;
  }
  throw new Error(`no chunk budget cuts the benchmark diff into exactly ${chunks} chunks`);
}

interface ReviewTimeline extends Phases {
  pull: PullSpec;
  startAt: number;
  reviewAt: number;
}

function reviewTimelines(run: ClusterRun, pulls: PullSpec[], modelLatencyMs: number): ReviewTimeline[] {
  return pulls.map((pull) => {
    const repoPrefix = `/repos/${pull.owner}/${pull.repo}/`;
    const github = run.github.requests.filter(
      (request) => request.path.startsWith(repoPrefix) || request.path === `/app/installations/${pull.installationId}/access_tokens`,
    );
    const marker = `repo="${pull.owner}/${pull.repo}" number="${pull.number}"`;
    const model = run.model.requests.filter((request) => request.rawBody.includes(marker.replaceAll('"', '\\"')) || request.rawBody.includes(marker));
    const times = github.map((request) => run.githubAt(request));
    const modelTimes = model.map((request) => run.modelAt(request));
    const review = github.find((request) => request.method === "POST" && request.path === `${repoPrefix}pulls/${pull.number}/reviews`);
    const checkDone = github.filter((request) => request.method === "PATCH" && request.path.startsWith(`${repoPrefix}check-runs/`)).at(-1);
    const startAt = Math.min(...times);
    if (process.env.BENCH_TRACE) console.log(pull.number, `start +${(startAt - run.startedAt).toFixed(0)}`, github.map((request) => `${(run.githubAt(request) - startAt).toFixed(0)} ${request.method} ${request.path.replace(repoPrefix, "")}`).join(" | "), "| model", modelTimes.map((t) => (t - startAt).toFixed(0)).join(","));
    const firstModel = Math.min(...modelTimes);
    const lastModelEnd = Math.max(...modelTimes) + modelLatencyMs;
    const reviewAt = review ? run.githubAt(review) : Number.NaN;
    const doneAt = checkDone ? run.githubAt(checkDone) : reviewAt;
    return {
      pull,
      startAt,
      reviewAt,
      beforeModelMs: firstModel - startAt,
      modelMs: lastModelEnd - firstModel,
      toReviewMs: reviewAt - lastModelEnd,
      afterReviewMs: doneAt - reviewAt,
      serviceMs: doneAt - startAt,
    };
  });
}

function medianPhases(reviews: Phases[]): Phases {
  const of = (key: keyof Phases) => median(reviews.map((review) => review[key]));
  return { beforeModelMs: of("beforeModelMs"), modelMs: of("modelMs"), toReviewMs: of("toReviewMs"), afterReviewMs: of("afterReviewMs"), serviceMs: of("serviceMs") };
}

/** Requests per review by route (`GET /repos/{o}/{r}/pulls/{n} (diff)`), from the fake's log. */
function countCalls(all: RecordedGithubRequest[], reviews: number): EndToEndFigures["calls"] {
  // `GET /app` is each process reading the App's slug once at start, not work of a review.
  const requests = all.filter((request) => !(request.method === "GET" && request.path === "/app"));
  const counts = new Map<string, number>();
  for (const request of requests) {
    const route = routeOf(request);
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  const routes = [...counts].map(([route, count]) => ({ route, perReview: count / reviews })).sort((a, b) => b.perReview - a.perReview || a.route.localeCompare(b.route));
  const perReview = requests.length / reviews;
  const tokens = routes.filter((entry) => entry.route.includes("/access_tokens")).reduce((total, entry) => total + entry.perReview, 0);
  // What Octokit's throttling plugin spaces 1 s apart per installation: writes, GraphQL mutations
  // included; read-only GraphQL goes around it (src/process/read-only-graphql.ts).
  const writes = requests.filter((request) => throttledAsWrite(request)).length / reviews;
  return { perReview, withoutToken: perReview - tokens, routes, writesPerReview: writes };
}

function throttledAsWrite(request: Pick<RecordedGithubRequest, "method" | "path" | "body">): boolean {
  if (request.method === "GET" || request.path.endsWith("/access_tokens")) return false;
  return !(request.path === "/api/graphql" && isReadOnlyGraphql(String((request.body as { query?: unknown } | undefined)?.query ?? "")));
}

export function routeOf(request: Pick<RecordedGithubRequest, "method" | "path" | "headers">): string {
  const path = request.path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{o}/{r}")
    .replace(/\/app\/installations\/\d+/, "/app/installations/{id}")
    .replace(/\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}(?=\/|$)/g, "/{base}...{head}")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/g, "/{sha}")
    .replace(/\/\d+(?=\/|$)/g, "/{n}");
  const accept = String(request.headers.accept ?? "");
  return `${request.method} ${path}${accept.includes("diff") ? " (diff)" : ""}`;
}

/** Many PRs in one (or two) installation(s): the rate Octokit's per-installation write throttle allows. */
async function measureCeiling(
  redis: BenchRedis,
  installations: number,
  settings: BenchSettings["e2e"],
  env: Record<string, string>,
  diff: string,
  workers: number,
  log: (line: string) => void,
): Promise<CeilingRun> {
  const pulls: PullSpec[] = [];
  for (let installation = 1; installation <= installations; installation++) {
    for (let i = 1; i <= settings.ceilingPrs; i++) {
      // Several repositories of one installation: the throttle is per installation, not per repository.
      pulls.push({ installationId: 50_000 + installation, owner: `ceiling-org-${installation}`, repo: `repo-${(i % 3) + 1}`, number: i, diff });
    }
  }
  const timeoutMs = settings.ceilingPrs * installations * 6_000 + 60_000;
  // The default concurrency (4 per worker): enough reviews waiting on the throttle that it, not the slots, sets the pace.
  const run = await cluster(redis, { workers, env: { ...env, WORKER_CONCURRENCY: "4" }, pulls, modelLatencyMs: settings.modelLatencyMs, timeoutMs });
  try {
    const posts = run.github.requests
      .filter((request) => request.method === "POST" && /\/pulls\/\d+\/reviews$/.test(request.path))
      .map((request) => ({ owner: request.path.split("/")[2]!, at: run.githubAt(request) }))
      .sort((a, b) => a.at - b.at);
    const owners = [...new Set(posts.map((post) => post.owner))];
    const rate = (list: typeof posts) => (list.length < 2 ? Number.NaN : ((list.length - 1) / (list.at(-1)!.at - list[0]!.at)) * 60_000);
    let cross: number | null = null;
    let same: number | null = null;
    for (let i = 1; i < posts.length; i++) {
      const gap = posts[i]!.at - posts[i - 1]!.at;
      if (posts[i]!.owner !== posts[i - 1]!.owner) cross = cross === null ? gap : Math.min(cross, gap);
    }
    for (const owner of owners) {
      const own = posts.filter((post) => post.owner === owner);
      for (let i = 1; i < own.length; i++) same = same === null ? own[i]!.at - own[i - 1]!.at : Math.min(same, own[i]!.at - own[i - 1]!.at);
    }
    const result: CeilingRun = {
      installations,
      prs: pulls.length,
      perInstallation: owners.map((owner) => rate(posts.filter((post) => post.owner === owner))),
      combinedPerMinute: (posts.length / ((posts.at(-1)!.at - run.startedAt) / 1000)) * 60,
      minCrossInstallationGapMs: cross,
      minSameInstallationGapMs: same,
      peakRssMb: Math.max(...run.workerPeakRssMb),
    };
    log(`  ${installations} installation(s) x ${settings.ceilingPrs} PRs: ${result.perInstallation.map((value) => value.toFixed(1)).join(" / ")} reviews/min each, min same-installation gap ${same?.toFixed(0)} ms, min cross gap ${cross?.toFixed(0) ?? "-"} ms`);
    return result;
  } finally {
    await closeClusterRun(run);
    await redis.client.flushall();
  }
}

/** Prompt overhead at the default chunk budget: a large PR (about 3.5 full chunks) through one worker, no model latency. */
async function measureOverhead(redis: BenchRedis, settings: BenchSettings["e2e"], log: (line: string) => void): Promise<EndToEndFigures["overhead"]> {
  const diff = buildSyntheticDiff({ files: 24, changedLines: 2_000, seed: 5 }).text;
  const pulls: PullSpec[] = [1, 2].map((i) => ({ installationId: 70_000 + i, owner: OWNER, repo: `overhead-${i}`, number: 1, diff }));
  // Default REVIEW_CHUNK_TOKENS (12,000): only the concurrency settings are passed.
  const env = { WORKER_CONCURRENCY: "2", REVIEW_CHUNK_CONCURRENCY: String(settings.chunkConcurrency) };
  const run = await cluster(redis, { workers: 1, env, pulls, modelLatencyMs: 1, timeoutMs: 60_000 });
  try {
    const calls = run.model.requests.filter((request) => request.path.startsWith("/v1/responses")).map(promptTokens);
    const totals = calls.reduce(
      (sum, call) => ({ diff: sum.diff + call.diff, instructions: sum.instructions + call.instructions, context: sum.context + call.context, schema: sum.schema + call.schema }),
      { diff: 0, instructions: 0, context: 0, schema: 0 },
    );
    const smallest = calls.reduce((min, call) => (call.diff < min.diff ? call : min), calls[0]!);
    const overhead = {
      chunks: calls.length,
      diffTokens: totals.diff,
      instructionTokens: totals.instructions,
      contextTokens: totals.context,
      schemaTokens: totals.schema,
      share: (totals.instructions + totals.context) / totals.diff,
      shareWithSchema: (totals.instructions + totals.context + totals.schema) / totals.diff,
      lastChunkShare: (smallest.instructions + smallest.context) / smallest.diff,
    };
    log(`  prompt overhead at 12,000: ${(overhead.share * 100).toFixed(1)}% over ${calls.length} chunks (${(overhead.shareWithSchema * 100).toFixed(1)}% with the JSON schema)`);
    return overhead;
  } finally {
    await closeClusterRun(run);
    await redis.client.flushall();
  }
}

/** Tokens of one model request: the diff block, our instructions, the rest of the input (PR context), the output schema. */
function promptTokens(request: RecordedAimlRequest): { diff: number; instructions: number; context: number; schema: number } {
  const body = request.body as { instructions?: string; input: unknown; text?: { format?: { schema?: unknown } } };
  const input = typeof body.input === "string" ? body.input : JSON.stringify(body.input);
  const open = "<untrusted_diff>\n";
  const start = input.indexOf(open);
  const end = input.lastIndexOf("</untrusted_diff>");
  const diffText = start >= 0 && end > start ? input.slice(start + open.length, end) : "";
  const diff = countTokens(diffText);
  return {
    diff,
    instructions: countTokens(body.instructions ?? ""),
    context: countTokens(input) - diff,
    schema: body.text?.format?.schema ? countTokens(JSON.stringify(body.text.format.schema)) : 0,
  };
}
