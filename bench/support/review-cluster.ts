import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { freePort, generateAppPrivateKey } from "../../test/support/app-process.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../../test/fakes/aimlapi-fake.js";
import { completedReply } from "../../test/fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../test/fakes/github-fake.js";
import { deliverWebhook } from "../../test/support/sign-webhook.js";
import { pullRequestPayload } from "../../test/support/webhook-payloads.js";
import { readCpuMs, spawnEntry, waitForHttp, waitUntil, type BenchProcess } from "./bench-processes.js";
import type { BenchRedis } from "./bench-redis.js";

const SECRET = "bench-webhook-secret";

export interface ClusterOptions {
  redis: BenchRedis;
  workers: number;
  /** Env shared by the web and worker processes (REVIEW_CHUNK_TOKENS, WORKER_CONCURRENCY...). */
  env: Record<string, string>;
  installations: number[];
  modelLatencyMs: number;
  /**
   * Reviewed before the timed run (their installations must be in `installations`), then dropped from
   * the fakes' request logs: see runReviewCluster.
   */
  warmupPulls?: PullSpec[];
}

export interface PullSpec {
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  diff: string;
}

/** The fakes run in the benchmark's own process (with the deliveries): `bench` is their CPU. */
export interface ClusterCpu {
  web: number;
  workers: number;
  redis: number;
  bench: number;
}

/** A stamped request: `at` is performance.now() when the fake received it. */
export interface Stamped<T> {
  at: number;
  request: T;
}

export interface ClusterRun {
  github: GithubFake;
  model: AimlApiFake;
  githubAt(request: object): number;
  modelAt(request: object): number;
  /** Peak RSS (VmHWM) of each worker process, MB, read just before it stops. */
  workerPeakRssMb: number[];
  /** RSS of each worker once connected, before any job (Node, modules, tokenizer tables), MB. */
  workerStartRssMb: number[];
  /** performance.now() just before the first delivery. */
  startedAt: number;
  /** The warm-up round: first delivery to last review posted, s; null without one. */
  warmupS: number | null;
  /** Deliveries that did not get a 2xx. */
  failedDeliveries: number;
  /** CPU time (user + system) each side used from the first delivery to the last review posted, ms. */
  cpuMs: ClusterCpu;
  logDir: string;
}

/**
 * One web process (receives the deliveries) and `workers` worker processes against a fresh GitHub fake
 * and a model fake that answers every chunk after `modelLatencyMs` with one finding on the chunk's first
 * added line. Delivers `pull_request.opened` for every PR, waits until each has its review, stops the
 * processes (reading their peak RSS first) and hands back the fakes' request logs, time-stamped.
 */
export async function runReviewCluster(options: ClusterOptions, pulls: PullSpec[], timeoutMs: number): Promise<ClusterRun> {
  const [first, ...extra] = options.installations;
  const github = await startGithubFake({ installationId: first!, extraInstallationIds: extra });
  const model = await startAimlApiFake({ latencyMs: options.modelLatencyMs, handler: answerWithOneFinding });
  // The fakes keep request logs without times; stamping on arrival gives each review's timeline.
  const githubAt = stampArrivals(github.requests);
  const modelAt = stampArrivals(model.requests);
  const logDir = mkdtempSync(join(tmpdir(), "codex-review-bench-e2e-"));
  const queueName = `bench-e2e-${Date.now().toString(36)}`;
  const port = await freePort();
  const env = {
    APP_ID: String(github.state.appId),
    PRIVATE_KEY: generateAppPrivateKey(),
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    REDIS_URL: options.redis.url,
    QUEUE_NAME: queueName,
    AIMLAPI_KEY: model.apiKey,
    AIMLAPI_BASE_URL: model.url,
    LOG_LEVEL: "info",
    HOST: "127.0.0.1",
    ...options.env,
  };
  const processes: BenchProcess[] = [];
  const queue = new Queue(queueName, { connection: { url: options.redis.url } });
  const workerPeakRssMb: number[] = [];
  const workerStartRssMb: number[] = [];
  try {
    const web = spawnEntry("web", "src/web.ts", { env: { ...env, PORT: String(port) }, logFile: join(logDir, "web.log") });
    processes.push(web);
    const workers = Array.from({ length: options.workers }, (_, i) =>
      spawnEntry(`worker-${i + 1}`, "src/worker.ts", { env, ...(process.env.BENCH_PROFILE_DIR ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] } : {}), logFile: join(logDir, `worker-${i + 1}.log`) }),
    );
    processes.push(...workers);
    await waitForHttp(web, `http://127.0.0.1:${port}/ping`);
    await waitUntil(async () => (await queue.getWorkersCount()) >= options.workers, 60_000, `${options.workers} workers to connect`, 100);
    // A worker loads the tokenizer's tables right after it connects; a service runs long before its first
    // job, so the timed run starts once every worker has them (not counted in the makespan).
    const warm = () => workers.every((_, i) => readFileSync(join(logDir, `worker-${i + 1}.log`), "utf8").includes("Tokenizer tables loaded"));
    await waitUntil(async () => warm(), 60_000, "the workers' tokenizer tables", 50);
    for (const worker of workers) workerStartRssMb.push(worker.peakRssMb() ?? Number.NaN);

    const addPulls = (list: PullSpec[]) =>
      list.map((pull) => {
        const { head, base } = github.addPullRequest({ owner: pull.owner, repo: pull.repo, number: pull.number, diff: pull.diff, title: `Bench change ${pull.number}` });
        return { ...pull, headSha: head.sha, baseSha: base.sha };
      });
    const deliverAll = async (list: Array<PullSpec & { headSha: string }>) => {
      let failed = 0;
      for (const pull of list) {
        const payload = pullRequestPayload("opened", pull);
        const delivery = await deliverWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, "pull_request", payload, { secret: SECRET });
        if (delivery.status >= 300) failed += 1;
      }
      return failed;
    };
    const reviewedAll = (list: PullSpec[]) => () => list.every((pull) => github.reviews(pull.owner, pull.repo, pull.number).length > 0);
    const checksDone = (list: Array<PullSpec & { headSha: string }>) => () =>
      list.every((pull) => github.checkRuns(pull.owner, pull.repo).some((run) => run.head_sha === pull.headSha && run.status === "completed"));

    // A deployed worker has reviewed before. A fresh process's first review pays one-off costs (the JIT
    // of the review path, first connections to the fakes and to Redis, Redis loading the scripts of
    // BullMQ and Bottleneck, ICU) that a long-running service pays once per process, not once per
    // burst; with 4 workers starting together they land in the same round and on the same 2 cores.
    // The warm-up round (one review per slot, other installations) pays them, and is timed apart.
    let warmupS: number | null = null;
    if (options.warmupPulls && options.warmupPulls.length > 0) {
      const warmups = addPulls(options.warmupPulls);
      const warmupStart = performance.now();
      await deliverAll(warmups);
      await waitUntil(reviewedAll(warmups), timeoutMs, `${warmups.length} warm-up reviews`, 25);
      warmupS = (performance.now() - warmupStart) / 1000;
      await waitUntil(checksDone(warmups), 30_000, "the warm-up reviews' completed check runs", 25);
      // The timed run's logs hold its own requests only (calls per review, model calls, timelines).
      github.requests.splice(0);
      model.requests.splice(0);
    }

    const heads = addPulls(pulls);
    const cpu = (): ClusterCpu => {
      const ofProcess = (pid: number) => readCpuMs(pid) ?? Number.NaN;
      const own = process.cpuUsage();
      return {
        web: ofProcess(web.pid),
        workers: workers.reduce((total, worker) => total + ofProcess(worker.pid), 0),
        redis: ofProcess(options.redis.process.pid),
        bench: (own.user + own.system) / 1000,
      };
    };
    const cpuAtStart = cpu();
    const startedAt = performance.now();
    const failedDeliveries = await deliverAll(heads);
    await waitUntil(reviewedAll(heads), timeoutMs, `${pulls.length} reviews`, 25).catch((error: Error) => {
      throw new Error(`${error.message}; logs in ${logDir}:\n${tail(join(logDir, "worker-1.log"))}`);
    });
    const cpuAtEnd = cpu();
    const cpuMs = { web: cpuAtEnd.web - cpuAtStart.web, workers: cpuAtEnd.workers - cpuAtStart.workers, redis: cpuAtEnd.redis - cpuAtStart.redis, bench: cpuAtEnd.bench - cpuAtStart.bench };
    // Each job completes its check run after posting; wait for those too so the request log is whole.
    await waitUntil(checksDone(heads), 30_000, "completed check runs", 25).catch(() => undefined);
    for (const worker of workers) workerPeakRssMb.push(worker.peakRssMb() ?? Number.NaN);
    return { github, model, githubAt, modelAt, workerPeakRssMb, workerStartRssMb, startedAt, warmupS, failedDeliveries, cpuMs, logDir };
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export async function closeClusterRun(run: ClusterRun): Promise<void> {
  await run.github.close();
  await run.model.close();
  rmSync(run.logDir, { recursive: true, force: true });
}

function stampArrivals(log: object[]): (request: object) => number {
  const times = new WeakMap<object, number>();
  const push = log.push.bind(log);
  log.push = (...items: object[]) => {
    const now = performance.now();
    for (const item of items) times.set(item, now);
    return push(...items);
  };
  return (request) => times.get(request) ?? Number.NaN;
}

/** One P2 finding on the first added line the chunk shows, quoted, so every review posts one inline comment. */
function answerWithOneFinding(call: FakeResponsesCall) {
  const input = typeof call.body.input === "string" ? call.body.input : JSON.stringify(call.body.input);
  const diff = input.slice(input.indexOf("<untrusted_diff>"));
  let path: string | null = null;
  let finding: { path: string; line: number; quote: string } | null = null;
  for (const line of diff.split("\n")) {
    const file = /^FILE: (\S+)/.exec(line);
    if (file) path = file[1]!;
    const added = /^R(\d+) \+(.*)$/.exec(line);
    if (added && path) {
      finding = { path, line: Number(added[1]), quote: added[2]!.trim() };
      break;
    }
  }
  const comments = finding
    ? [{ path: finding.path, line: finding.line, side: "RIGHT", start_line: null, severity: "P2", title: "Benchmark finding", body: "Check this line.", suggestion: null, quote: finding.quote || null }]
    : [];
  return completedReply({ summary: "Benchmark chunk reviewed.", comments }, { request: call.body, inputTokens: 1_000, outputTokens: 200 });
}

function tail(file: string, lines = 5): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).map((line) => line.slice(0, 400)).join("\n");
  } catch {
    return "(no log)";
  }
}
