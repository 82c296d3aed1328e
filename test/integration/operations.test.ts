import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { addPull } from "../support/add-pull.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { freePort, startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { multiHunkDiff, multiHunkModelOutput } from "../support/multi-hunk-review.js";
import { metricValue, scrape } from "../support/prometheus-text.js";
import { waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

const OWNER = "octo-org";
const REPO = "hello-world";
const DASHBOARD = { user: "ops", password: "s3cret-dashboard" };

let github: GithubFake;
let model: AimlApiFake;
let nextPull = 1;

const newPull = (): PullTarget => addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff });

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

beforeAll(async () => {
  github = await startGithubFake();
  // One finding on a diff line (posted as a comment) and one off the diff (an anchor fallback into the body).
  model = await startAimlApiFake({ handler: () => completedReply(multiHunkModelOutput) });
});

afterAll(async () => {
  await github?.close();
  await model?.close();
});

afterEach(() => expectCleanFakes({ github, model }));

describe("one process (npm start): health, metrics, logs and the dashboard", () => {
  let app: AppProcess;
  let queue: Queue;
  const queueName = `ops-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const redisUrl = inject("redisUrl");
    queue = new Queue(queueName, { connection: { url: redisUrl } });
    app = await startAppProcess("src/main.ts", appEnv({ github, model }, redisUrl, queueName, { DASHBOARD_USER: DASHBOARD.user, DASHBOARD_PASSWORD: DASHBOARD.password }));
  });

  afterAll(async () => {
    await app?.stop();
    await dropQueue(queue);
  });

  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok", queue: "ok" } });
  });

  it("counts a delivery, the job, the model call, the comment, the fallback and GitHub calls in one /metrics", async () => {
    const pull = newPull();
    const deliveryId = randomUUID();
    await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET, deliveryId });
    await waitForReviews(github, pull);
    const samples = await waitFor(async () => {
      const scraped = await scrape(`${app.url}/metrics`);
      return metricValue(scraped, "codex_review_jobs_finished_total", { outcome: "posted" }) >= 1 ? scraped : undefined;
    }, 10_000, "the job in /metrics");

    expect(metricValue(samples, "codex_review_webhook_deliveries_total", { event: "pull_request", action: "opened" })).toBe(1);
    expect(metricValue(samples, "codex_review_queue_jobs", { queue: queueName, state: "completed" })).toBe(1);
    expect(metricValue(samples, "codex_review_queue_jobs", { queue: queueName, state: "failed" })).toBe(0);
    expect(metricValue(samples, "codex_review_review_duration_seconds_count", { outcome: "posted" })).toBe(1);
    expect(metricValue(samples, "codex_review_model_request_duration_seconds_count", { result: "ok" })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, "codex_review_model_tokens_total", { direction: "input" })).toBeGreaterThan(0);
    expect(metricValue(samples, "codex_review_model_tokens_total", { direction: "output" })).toBeGreaterThan(0);
    expect(metricValue(samples, "codex_review_review_comments_posted_total")).toBe(1);
    expect(metricValue(samples, "codex_review_anchor_fallbacks_total")).toBe(1);
    // The inline P1 and the P2 moved into the body were raised once each; nothing is fixed or dismissed yet.
    expect(metricValue(samples, "codex_review_findings_total", { severity: "P1", state: "open" })).toBe(1);
    expect(metricValue(samples, "codex_review_findings_total", { severity: "P2", state: "open" })).toBe(1);
    expect(metricValue(samples, "codex_review_findings_total", { state: "fixed" })).toBe(0);
    const postReview = { method: "POST", route: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", status: "200" };
    expect(metricValue(samples, "codex_review_github_api_requests_total", postReview)).toBe(1);
    const githubGets = metricValue(samples, "codex_review_github_api_requests_total", { method: "GET" });
    // Every GET of the installation clients is counted; the start-up GET /app (the App's slug) is not one.
    expect(githubGets).toBe(github.requests.filter((r) => r.method === "GET" && r.path !== "/app").length);
    expect(metricValue(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);

    // Logs: the web line carries the delivery id (Probot's `id`), the worker's lines the job and delivery ids.
    const logs = app.logs();
    expect(logs.some((line) => line.id === deliveryId && typeof line.jobId === "string")).toBe(true);
    const jobLines = logs.filter((line) => line.deliveryId === deliveryId);
    expect(jobLines.length).toBeGreaterThan(0);
    expect(jobLines.every((line) => typeof line.jobId === "string")).toBe(true);
  });

  it("serves the dashboard only with the right credentials", async () => {
    const anonymous = await fetch(`${app.url}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    const wrong = await fetch(`${app.url}/admin/queues/api/queues`, { headers: { authorization: basic(DASHBOARD.user, "guess") } });
    expect(wrong.status).toBe(401);
    const page = await fetch(`${app.url}/admin/queues`, { headers: { authorization: basic(DASHBOARD.user, DASHBOARD.password) } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain("<title>codex-review</title>");
    const api = await fetch(`${app.url}/admin/queues/api/queues?activeQueue=${queueName}&status=completed`, {
      headers: { authorization: basic(DASHBOARD.user, DASHBOARD.password) },
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    expect(body.queues.find((entry) => entry.name === queueName)?.counts.completed).toBeGreaterThanOrEqual(1);
  });
});

describe("web and worker apart, on a Redis that goes away", () => {
  let redis: ChildProcess;
  let redisDir: string;
  let web: AppProcess;
  let worker: AppProcess;
  let workerMetricsUrl: string;
  const queueName = `ops-split-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const port = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), "ops-redis-"));
    redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir], { stdio: "ignore" });
    const redisUrl = `redis://127.0.0.1:${port}`;
    web = await startAppProcess("src/web.ts", appEnv({ github, model }, redisUrl, queueName));
    const metricsPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}`;
    worker = await startAppProcess("src/worker.ts", appEnv({ github, model }, redisUrl, queueName, { METRICS_PORT: String(metricsPort) }), { waitForHttp: false });
    await waitFor(async () => ((await fetch(`${workerMetricsUrl}/healthz`).catch(() => null))?.ok ? true : undefined), 20_000, "the worker's /healthz");
  });

  afterAll(async () => {
    await worker?.stop("SIGKILL");
    await web?.stop("SIGKILL");
    if (redis && redis.exitCode === null) redis.kill("SIGKILL");
    rmSync(redisDir, { recursive: true, force: true });
  });

  it("keeps each half's metrics in its own process and turns the dashboard off without credentials", async () => {
    const pull = newPull();
    await deliverWebhook(`${web.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
    await waitForReviews(github, pull);
    const workerSamples = await waitFor(async () => {
      const scraped = await scrape(`${workerMetricsUrl}/metrics`);
      return metricValue(scraped, "codex_review_jobs_finished_total", { outcome: "posted" }) >= 1 ? scraped : undefined;
    }, 10_000, "the job in the worker's /metrics");
    expect(metricValue(workerSamples, "codex_review_review_comments_posted_total")).toBe(1);
    expect(metricValue(workerSamples, "codex_review_webhook_deliveries_total")).toBe(0);

    const webSamples = await scrape(`${web.url}/metrics`);
    expect(metricValue(webSamples, "codex_review_webhook_deliveries_total", { event: "pull_request" })).toBe(1);
    expect(metricValue(webSamples, "codex_review_review_comments_posted_total")).toBe(0);
    expect(metricValue(webSamples, "codex_review_queue_jobs", { queue: queueName, state: "completed" })).toBe(1);

    expect((await fetch(`${web.url}/admin/queues`)).status).toBe(404);
    expect((await fetch(`${workerMetricsUrl}/readyz`)).status).toBe(200);
  });

  it("reports not ready (503) within seconds once Redis stops, while /healthz stays 200", async () => {
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
    redis.kill("SIGKILL");
    await new Promise((resolve) => redis.once("exit", resolve));
    const started = Date.now();
    const notReady = await waitFor(async () => {
      const response = await fetch(`${web.url}/readyz`);
      return response.status === 503 ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
    }, 10_000, "/readyz to fail");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(notReady.checks.redis).not.toBe("ok");
    expect((await fetch(`${workerMetricsUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    // A scrape during the outage still answers, without queue counts it cannot read.
    const samples = await scrape(`${web.url}/metrics`);
    expect(metricValue(samples, "codex_review_queue_jobs", { queue: queueName })).toBe(0);
  });
});
