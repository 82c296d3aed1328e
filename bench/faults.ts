// Fault-injection figures: a burst of signed deliveries (distinct PRs plus replays and redeliveries)
// against src/web.ts and three src/worker.ts processes on a private Redis, while workers are killed
// (SIGKILL) or restarted (SIGTERM) at random, the model fails a share of calls (500, 429) and GitHub
// loses answers to review POSTs or rate-limits them. Prints jobs enqueued vs reviews posted, duplicates,
// faults by kind and shutdown times. Everything runs on 127.0.0.1; bounded by BENCH_FAULTS_TIMEOUT_MS.
// BENCH_FAULTS_DEBUG=1 logs workers at debug level, lists failed and pending jobs with their stall
// counts, and writes every worker's output to /tmp/bench-faults-workers.log.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { startAimlApiFake } from "../test/fakes/aimlapi-fake.js";
import { completedReply, errorReply } from "../test/fakes/aimlapi-replies.js";
import { githubFaults, startGithubFake } from "../test/fakes/github-fake.js";
import { addPull, clusterServices, startWebProcess, startWorkerProcess, sleep } from "../test/support/app-cluster.js";
import type { AppProcess } from "../test/support/app-process.js";
import { startOwnRedis } from "../test/support/redis-server.js";
import { deliverWebhook } from "../test/support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../test/support/webhook-payloads.js";

const DELIVERIES = Number(process.env.BENCH_FAULTS_DELIVERIES ?? 500);
/** Share of deliveries that repeat an earlier one (half with its delivery id, half as a new delivery). */
const DUPLICATE_SHARE = 0.2;
const WORKERS = 3;
/** Installations: Octokit throttles writes per installation (review POSTs 3 s apart), so PRs are spread over many. */
const INSTALLATIONS = 50;
const REPOS = 25;
const MODEL_500_SHARE = 0.1;
const MODEL_429_SHARE = 0.1;
const TIMEOUT_MS = Number(process.env.BENCH_FAULTS_TIMEOUT_MS ?? 360_000);
/** Worker kills/restarts happen every CHAOS_MIN_MS..CHAOS_MAX_MS; BENCH_FAULTS_CHAOS=0 turns them (and GitHub faults) off. */
const CHAOS = process.env.BENCH_FAULTS_CHAOS !== "0";
const CHAOS_MIN_MS = 10_000;
const CHAOS_MAX_MS = 20_000;
// Takeover after ~10 s instead of 30 s; shorter locks risk false stalls on a loaded 2-core machine.
const WORKER_ENV = {
  // Hundreds of reviews in one repository: the budget (charged by workers) would delay most of them.
  REVIEW_RATE_LIMIT_PER_REPO: "0",
  WORKER_CONCURRENCY: "4",
  WORKER_LOCK_DURATION_MS: "10000",
  WORKER_STALLED_INTERVAL_MS: "5000",
  WORKER_SHUTDOWN_GRACE_MS: "2000",
  MODEL_MAX_ATTEMPTS: "4",
  LOG_LEVEL: process.env.BENCH_FAULTS_DEBUG ? "debug" : "warn",
};

const diff = readFileSync(new URL("../test/fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const random = (n: number) => Math.floor(Math.random() * n);
const faults = new Map<string, number>();
const count = (kind: string, n = 1) => faults.set(kind, (faults.get(kind) ?? 0) + n);

const redis = await startOwnRedis({ appendonly: false });
const installationIds = Array.from({ length: INSTALLATIONS }, (_, i) => 100 + i);
const github = await startGithubFake({ installationId: installationIds[0]!, extraInstallationIds: installationIds.slice(1) });
const model = await startAimlApiFake({
  handler: ({ body }) => {
    const roll = Math.random();
    const delayMs = 200 + random(600);
    if (roll < MODEL_500_SHARE) {
      count("model 500");
      return errorReply(500, "Internal server error", { delayMs });
    }
    if (roll < MODEL_500_SHARE + MODEL_429_SHARE) {
      count("model 429 + Retry-After");
      return errorReply(429, "Rate limit reached", { retryAfter: 1, delayMs });
    }
    return completedReply({ summary: "Fine.", comments: [] }, { request: body, delayMs });
  },
});
const services = clusterServices({ github, model, redisUrl: redis.url, queueName: `bench-faults-${randomUUID().slice(0, 8)}` });
const queue = new Queue(services.queueName, { connection: { url: redis.url } });
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

// The per-repo review budget is off: this measures delivery, not the budget.
const web = await startWebProcess(services, { LOG_LEVEL: "warn" });
const workers: AppProcess[] = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess(services, WORKER_ENV)));
const everyWorker = [...workers];
const gracefulExitMs: number[] = [];

// --- The burst: distinct PRs, then replays of some of them mixed in.
const distinct = Math.round(DELIVERIES * (1 - DUPLICATE_SHARE));
const pulls: PullTarget[] = Array.from({ length: distinct }, (_, i) =>
  addPull(github, { owner: "bench-org", repo: `repo-${i % REPOS}`, number: 1 + Math.floor(i / REPOS), diff, installationId: installationIds[i % INSTALLATIONS]! }),
);
type Delivery = { pull: PullTarget; deliveryId: string };
const first: Delivery[] = pulls.map((pull) => ({ pull, deliveryId: randomUUID() }));
const deliveries: Delivery[] = [...first];
for (let i = 0; i < DELIVERIES - distinct; i++) {
  const original = first[random(first.length)]!;
  const replay = i % 2 === 0;
  count(replay ? "delivery replayed (same delivery id)" : "event redelivered (new delivery id)");
  deliveries.splice(random(deliveries.length + 1), 0, replay ? original : { pull: original.pull, deliveryId: randomUUID() });
}

// --- Chaos while the burst is processed.
let chaos = CHAOS;
const chaosLoop = (async () => {
  while (chaos) {
    await sleep(CHAOS_MIN_MS + random(CHAOS_MAX_MS - CHAOS_MIN_MS));
    if (!chaos) break;
    const index = random(workers.length);
    const victim = workers[index]!;
    if (Math.random() < 0.7) {
      count("worker SIGKILL (restarted)");
      await victim.stop("SIGKILL");
    } else {
      count("worker SIGTERM (restarted)");
      const at = performance.now();
      await victim.stop("SIGTERM");
      gracefulExitMs.push(performance.now() - at);
    }
    workers[index] = await startWorkerProcess(services, WORKER_ENV);
    everyWorker.push(workers[index]!);
    // GitHub faults on the one write that matters, now and then.
    if (Math.random() < 0.5) {
      github.failNext("POST /repos/:owner/:repo/pulls/:number/reviews", { status: 502, afterRoute: true, body: { message: "Server Error" } });
    } else {
      github.failNext("POST /repos/:owner/:repo/pulls/:number/reviews", githubFaults.secondaryRateLimit(1));
    }
  }
})();

const statuses: number[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < deliveries.length) {
      const { pull, deliveryId } = deliveries[next++]!;
      const reply = await deliverWebhook(`${web.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret, deliveryId });
      statuses.push(reply.status);
    }
  }),
);
console.log(`[${elapsed()}] ${deliveries.length} deliveries sent`);

const reviewCount = (pull: PullTarget) => github.reviews(pull.owner, pull.repo, pull.number).length;
const deadline = performance.now() + TIMEOUT_MS;
let lastReport = 0;
for (;;) {
  const reviewed = pulls.filter((pull) => reviewCount(pull) > 0).length;
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
  const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
  if (pending === 0 && reviewed + (counts.failed ?? 0) >= pulls.length) break;
  if (performance.now() > deadline) {
    console.log(`[${elapsed()}] timed out`);
    break;
  }
  if (performance.now() - lastReport > 10_000) {
    lastReport = performance.now();
    console.log(`[${elapsed()}] reviewed ${reviewed}/${pulls.length}; queue ${JSON.stringify(counts)}`);
  }
  await sleep(500);
}
chaos = false;
await chaosLoop;
const processedAt = elapsed();
// Room for a late duplicate to land, had one been on its way.
await sleep(5_000);

const jobCounts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
const enqueued = Object.values(jobCounts).reduce((a, b) => a + b, 0);
const failed = await queue.getJobs(["failed"]);
const posted = pulls.reduce((sum, pull) => sum + reviewCount(pull), 0);
const duplicates = pulls.reduce((sum, pull) => sum + Math.max(0, reviewCount(pull) - 1), 0);
const missing = pulls.filter((pull) => reviewCount(pull) === 0).length;
for (const request of github.requests.filter((r) => r.injected)) {
  count(request.status === 502 ? "GitHub 502 after storing the review" : `GitHub ${request.status} (secondary rate limit) on review POST`);
}

if (process.env.BENCH_FAULTS_DEBUG) {
  const { writeFileSync } = await import("node:fs");
  for (const job of failed) console.log(`failed ${job.id} stalled=${job.stalledCounter} started=${job.attemptsStarted} made=${job.attemptsMade}`);
  for (const job of await queue.getJobs(["active", "waiting"])) console.log(`pending ${job.id} stalled=${job.stalledCounter} started=${job.attemptsStarted} processedOn=${job.processedOn}`);
  writeFileSync("/tmp/bench-faults-workers.log", everyWorker.map((w, i) => w.output.map((line) => `${i} ${line}`).join("\n")).join("\n"));
}
const shutdown: Array<[string, number]> = [];
for (const [name, app] of [...workers.map((w, i) => [`worker ${i + 1}`, w] as const), ["web", web] as const]) {
  const at = performance.now();
  const code = await app.stop("SIGTERM");
  shutdown.push([`${name} (exit ${code})`, performance.now() - at]);
}
await queue.close();
await github.close();
await model.close();
await redis.destroy();

const ms = (value: number) => `${Math.round(value)} ms`;
console.log("\n=== bench:faults ===");
console.log(`deliveries sent                      ${deliveries.length} (${distinct} distinct PRs over ${REPOS} repos, ${INSTALLATIONS} installations); 2xx: ${statuses.filter((s) => s < 300).length}`);
console.log(`jobs enqueued                        ${enqueued}`);
console.log(`reviews posted                       ${posted}`);
console.log(`PRs without a review                 ${missing}`);
console.log(`duplicate reviews posted             ${duplicates}`);
console.log(`jobs failed for good                 ${failed.length}${failed.length ? ` (${[...new Set(failed.map((j) => j.failedReason))].join("; ")})` : ""}`);
console.log(`all processed after                  ${processedAt}`);
console.log("faults injected:");
for (const [kind, n] of [...faults].sort()) console.log(`  ${kind.padEnd(44)} ${n}`);
console.log(`graceful restarts mid-burst: exit    ${gracefulExitMs.length ? gracefulExitMs.map(ms).join(", ") : "none"} (grace ${WORKER_ENV.WORKER_SHUTDOWN_GRACE_MS} ms)`);
console.log(`final shutdown (SIGTERM, idle)       ${shutdown.map(([name, t]) => `${name}: ${ms(t)}`).join(", ")}`);
process.exit(enqueued === posted && duplicates === 0 ? 0 : 1);
