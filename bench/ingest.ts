/*
 * Ingest: signed pull_request.synchronize deliveries fired by autocannon at our web process (src/web.ts on
 * a real Redis: signature, replay ledger, reply limit, supersede, BullMQ job), at the floor app (Probot +
 * one BullMQ `queue.add` on the same Redis: bench/floor-probot-app.ts) and at a bare Probot app whose
 * handler does nothing (same Probot, same pino logger and level; all log to /dev/null), in rounds of
 * ours, floor, bare; plus raw BullMQ `queue.add` throughput on the same Redis.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { createReviewQueue } from "../src/queue/review-queue.js";
import { jobId, type JobData } from "../src/queue/review-job.js";
import { freePort, generateAppPrivateKey } from "../test/support/app-process.js";
import { readCpuMs, sleep, spawnEntry, waitForHttp, type BenchProcess } from "./support/bench-processes.js";
import { startBenchRedis, type BenchRedis } from "./support/bench-redis.js";
import { formatProfile, summariseCpuProfiles } from "./support/cpu-profile.js";
import { createDeliveryFactory } from "./support/signed-deliveries.js";
import { median } from "./support/stats.js";
import type { BenchSettings } from "./bench-settings.js";

const SECRET = "bench-webhook-secret";
const WEBHOOK_PATH = "/api/github/webhooks";

export type Side = "ours" | "floor" | "bare";

/** The floor app's and the bare app's figures beside ours in one round: ours/theirs. */
export interface Ratio {
  throughput: number;
  p99: number;
}

export interface LoadRun {
  side: Side;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  errors: number;
  /** CPU per delivery, µs: the app process, redis-server, and the load generator (this process). */
  cpuUs: { app: number; redis: number; loadgen: number };
}

export interface SideSummary {
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Medians over runs of CPU µs per delivery. */
  cpuUs: LoadRun["cpuUs"];
}

export interface IngestFigures {
  runs: LoadRun[];
  rounds: Array<{ ours: LoadRun; floor: LoadRun; bare: LoadRun; toFloor: Ratio; toBare: Ratio }>;
  ours: SideSummary;
  floor: SideSummary;
  bare: SideSummary;
  /** Medians over rounds of ours/floor deliveries per second and p99: the goals. */
  toFloor: Ratio;
  /** The same against the bare app, reported beside them. */
  toBare: Ratio;
  errors: number;
  /** Raw BullMQ Queue.add on the same Redis, same concurrency, jobs per second. */
  queueAddPerSecond: number;
  /** CPU µs per raw add: the adding process, redis-server. */
  queueAddCpuUs: { client: number; redis: number };
  /** Redis commands our web process sends per delivery, by command (from INFO commandstats). */
  redisCommandsPerDelivery: Array<{ command: string; perDelivery: number }>;
  /** CPU profiles of both sides under the same load, when ours missed a goal (or BENCH_PROFILE=1). */
  profile: string[];
}

export async function measureIngest(settings: BenchSettings["ingest"], log: (line: string) => void): Promise<IngestFigures> {
  const redis = await startBenchRedis();
  const privateKey = generateAppPrivateKey();
  const work = mkdtempSync(join(tmpdir(), "codex-review-bench-ingest-"));
  const started: BenchProcess[] = [];
  try {
    const startSide = async (side: Side, nodeArgs: string[] = []) => {
      const port = await freePort();
      const entry = { ours: "src/web.ts", floor: "bench/floor-probot-app.ts", bare: "bench/bare-probot-app.ts" }[side];
      const child = spawnEntry(side, entry, { env: sideEnv(redis, privateKey, port), nodeArgs });
      started.push(child);
      await waitForHttp(child, `http://127.0.0.1:${port}/ping`);
      return { child, url: `http://127.0.0.1:${port}${WEBHOOK_PATH}` };
    };
    const ours = await startSide("ours");
    const floor = await startSide("floor");
    const bare = await startSide("bare");
    const next = createDeliveryFactory(SECRET);
    const fire = async (side: { child: BenchProcess; url: string }, seconds: number) => {
      const cpu = () => ({ app: readCpuMs(side.child.pid) ?? 0, redis: readCpuMs(redis.process.pid) ?? 0, loadgen: process.cpuUsage() });
      const before = cpu();
      const run = await fireDeliveries(side.url, seconds, settings.connections, next);
      const after = cpu();
      const per = (ms: number) => (ms * 1000) / Math.max(1, run.ok);
      const loadgenMs = (after.loadgen.user + after.loadgen.system - before.loadgen.user - before.loadgen.system) / 1000;
      return { ...run, cpuUs: { app: per(after.app - before.app), redis: per(after.redis - before.redis), loadgen: per(loadgenMs) } };
    };

    log(`  warm-up ${settings.warmupSeconds} s each`);
    await fire(ours, settings.warmupSeconds);
    await fire(floor, settings.warmupSeconds);
    await fire(bare, settings.warmupSeconds);

    const runs: LoadRun[] = [];
    const rounds: IngestFigures["rounds"] = [];
    let commands: IngestFigures["redisCommandsPerDelivery"] = [];
    const ratio = (a: LoadRun, b: LoadRun): Ratio => ({ throughput: a.deliveriesPerSecond / b.deliveriesPerSecond, p99: a.p99Ms / b.p99Ms });
    for (let round = 1; round <= settings.pairs; round++) {
      await sleep(500);
      const before = await redis.commandCalls();
      const oursRun = { side: "ours" as const, ...(await fire(ours, settings.seconds)) };
      const after = await redis.commandCalls();
      if (round === 1) commands = perDelivery(before, after, oursRun.ok);
      await sleep(500);
      const floorRun = { side: "floor" as const, ...(await fire(floor, settings.seconds)) };
      await sleep(500);
      const bareRun = { side: "bare" as const, ...(await fire(bare, settings.seconds)) };
      runs.push(oursRun, floorRun, bareRun);
      rounds.push({ ours: oursRun, floor: floorRun, bare: bareRun, toFloor: ratio(oursRun, floorRun), toBare: ratio(oursRun, bareRun) });
      const describe = (run: LoadRun) =>
        `${run.side} ${run.deliveriesPerSecond.toFixed(0)}/s p99 ${run.p99Ms} ms (cpu/delivery app ${run.cpuUs.app.toFixed(0)} µs, redis ${run.cpuUs.redis.toFixed(0)} µs)`;
      log(`  round ${round}: ${[oursRun, floorRun, bareRun].map(describe).join("; ")}`);
    }
    await Promise.all([ours.child.stop(), floor.child.stop(), bare.child.stop()]);

    const { perSecond: queueAddPerSecond, cpuUs: queueAddCpuUs } = await measureQueueAdd(redis, settings.seconds, settings.connections);
    log(`  raw queue.add: ${queueAddPerSecond.toFixed(0)}/s (cpu/add client ${queueAddCpuUs.client.toFixed(0)} µs, redis ${queueAddCpuUs.redis.toFixed(0)} µs)`);

    const figures: IngestFigures = {
      runs,
      rounds,
      ours: summarise(runs.filter((run) => run.side === "ours")),
      floor: summarise(runs.filter((run) => run.side === "floor")),
      bare: summarise(runs.filter((run) => run.side === "bare")),
      toFloor: { throughput: median(rounds.map((r) => r.toFloor.throughput)), p99: median(rounds.map((r) => r.toFloor.p99)) },
      toBare: { throughput: median(rounds.map((r) => r.toBare.throughput)), p99: median(rounds.map((r) => r.toBare.p99)) },
      errors: runs.reduce((total, run) => total + run.errors, 0),
      queueAddPerSecond,
      queueAddCpuUs,
      redisCommandsPerDelivery: commands,
      profile: [],
    };
    const missed = figures.toFloor.throughput < 0.9 || figures.toFloor.p99 > 1.25 || figures.errors > 0;
    if (missed || settings.forceProfile) {
      log(`  profiling ours and the floor (${settings.profileSeconds} s of load each, node --cpu-prof)`);
      for (const side of ["ours", "floor"] as const) {
        const dir = join(process.env.BENCH_PROFILE_DIR ?? work, `profile-${side}`);
        const profiled = await startSide(side, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
        await fire(profiled, settings.warmupSeconds);
        const run = await fire(profiled, settings.profileSeconds);
        await profiled.child.stop();
        const summary = summariseCpuProfiles(dir);
        if (summary) figures.profile.push(...formatProfile(summary, `${side} (${run.deliveriesPerSecond.toFixed(0)} deliveries/s while profiled)`));
      }
    }
    return figures;
  } finally {
    await Promise.all(started.map((child) => child.stop()));
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function sideEnv(redis: BenchRedis, privateKey: string, port: number): Record<string, string> {
  return {
    APP_ID: "1",
    // Set, so the web process does not ask GitHub for it at start (there is no GitHub here).
    APP_SLUG: "codex-review",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_PATH,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "info",
    REDIS_URL: redis.url,
    QUEUE_NAME: "bench-ingest",
  };
}

async function fireDeliveries(url: string, seconds: number, connections: number, next: ReturnType<typeof createDeliveryFactory>): Promise<Omit<LoadRun, "side" | "cpuUs">> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const delivery = next();
          return { ...request, method: "POST", body: delivery.body, headers: delivery.headers };
        },
      },
    ],
  });
  return {
    deliveriesPerSecond: result["2xx"] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result["2xx"],
    errors: result.errors + result.non2xx,
  };
}

function summarise(runs: LoadRun[]): SideSummary {
  return {
    deliveriesPerSecond: median(runs.map((run) => run.deliveriesPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuUs: {
      app: median(runs.map((run) => run.cpuUs.app)),
      redis: median(runs.map((run) => run.cpuUs.redis)),
      loadgen: median(runs.map((run) => run.cpuUs.loadgen)),
    },
  };
}

function perDelivery(before: Map<string, number>, after: Map<string, number>, deliveries: number): IngestFigures["redisCommandsPerDelivery"] {
  return [...after]
    .map(([command, calls]) => ({ command, perDelivery: (calls - (before.get(command) ?? 0)) / Math.max(1, deliveries) }))
    .filter((entry) => entry.perDelivery >= 0.05 && entry.command !== "info")
    .sort((a, b) => b.perDelivery - a.perDelivery);
}

/** Queue.add with the review queue's own job options, `connections` adds in flight, for `seconds`. */
async function measureQueueAdd(redis: BenchRedis, seconds: number, connections: number): Promise<{ perSecond: number; cpuUs: IngestFigures["queueAddCpuUs"] }> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = createReviewQueue("bench-raw-add", connection);
  const base: JobData = {
    kind: "review",
    installationId: 1,
    owner: "bench-org",
    repo: "repo",
    pullNumber: 1,
    headSha: "0".repeat(40),
    trigger: "synchronize",
    mode: "incremental",
    commentId: null,
    requestedBy: null,
    deliveryId: "x",
  } as JobData;
  let added = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const redisBefore = readCpuMs(redis.process.pid) ?? 0;
  const clientBefore = process.cpuUsage();
  try {
    await Promise.all(
      Array.from({ length: connections }, async (_, lane) => {
        while (performance.now() < deadline) {
          const n = added++;
          const data = { ...base, pullNumber: n + 1, deliveryId: `d-${lane}-${n}` } as JobData;
          await queue.add("review", data, { jobId: jobId(data) });
        }
      }),
    );
    const perSecond = added / ((performance.now() - started) / 1000);
    const client = process.cpuUsage(clientBefore);
    const redisMs = (readCpuMs(redis.process.pid) ?? 0) - redisBefore;
    return { perSecond, cpuUs: { client: (client.user + client.system) / added, redis: (redisMs * 1000) / added } };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}
