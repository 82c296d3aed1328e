import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, logLines, modelCallsFor, sleep, startWebProcess, startWorkerProcess, type ClusterServices } from "../../support/app-cluster.js";
import { waitFor, type AppProcess } from "../../support/app-process.js";
import { startOwnRedis, type OwnRedis } from "../../support/redis-server.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";

/*
 * Redis goes away and comes back (same port, AOF on) while jobs wait, one is in the model's hands and a
 * delivery arrives during the outage: no job is lost, no process restarts, every review posts once.
 */

const OWNER = "octo-org";
const REPO = "flaky-redis";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");

let redis: OwnRedis;
let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let worker: AppProcess;
let queue: Queue;
let releaseModel!: () => void;
const modelGate = new Promise<void>((resolve) => (releaseModel = resolve));

beforeAll(async () => {
  redis = await startOwnRedis({ appendonly: true });
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: async ({ body }) => {
      await modelGate;
      return completedReply({ summary: "Fine.", comments: [] }, { request: body });
    },
  });
  services = clusterServices({ github, model, redisUrl: redis.url, queueName: `redis-restart-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: redis.url, maxRetriesPerRequest: null } });
  // The test's own connection sees the outage too; the processes' logs are what the test checks.
  queue.on("error", () => undefined);
  web = await startWebProcess(services, { LOG_LEVEL: "info" });
  worker = await startWorkerProcess(services, { WORKER_CONCURRENCY: "1", LOG_LEVEL: "info" });
}, 60_000);

afterEach(() => {
  expectCleanFakes({ github, model });
});

afterAll(async () => {
  releaseModel();
  await worker?.stop("SIGKILL");
  await web?.stop("SIGKILL");
  await queue?.close().catch(() => undefined);
  await github?.close();
  await model?.close();
  await redis?.destroy();
});

const deliver = (pull: PullTarget, deliveryId?: string) =>
  deliverWebhook(`${web.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), {
    secret: services.secret,
    ...(deliveryId ? { deliveryId } : {}),
  });

describe("Redis stopped and started again", () => {
  it("loses no waiting job and the processes reconnect by themselves", { timeout: 60_000 }, async () => {
    const pulls = [1, 2, 3].map((number) => addPull(github, { owner: OWNER, repo: REPO, number, diff }));
    for (const pull of pulls) expect((await deliver(pull)).status).toBeLessThan(300);
    // One job is with the (gated) model, the other two wait in Redis.
    await waitFor(() => (modelCallsFor(model, "Change 1") >= 1 ? true : undefined), 20_000, "the first model call");
    expect(await queue.getWaitingCount()).toBe(2);

    await redis.stop();
    // A delivery during the outage is answered 503 at once (GitHub marks it failed), not held until
    // Probot's 9 s timeout answers 202 for a delivery that was never queued.
    const duringOutage = addPull(github, { owner: OWNER, repo: REPO, number: 4, diff });
    const deliveryId = randomUUID();
    const refused = await deliver(duringOutage, deliveryId);
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(3_000);
    await sleep(1_000);
    await redis.start();
    releaseModel();

    // GitHub's Redeliver (same X-GitHub-Delivery GUID) once Redis is back: the event is queued.
    const redelivered = await waitFor(async () => {
      const attempt = await deliver(duringOutage, deliveryId);
      if (attempt.status !== 503) return attempt;
      await sleep(250);
      return undefined;
    }, 15_000, "a redelivery that is not refused");
    expect(redelivered.status).toBe(200);
    const all = [...pulls, duringOutage];
    await waitFor(
      () => (all.every((pull) => github.reviews(OWNER, REPO, pull.number).length > 0) ? true : undefined),
      40_000,
      "a review on every PR",
    );
    await sleep(1_000);
    expect(all.map((pull) => github.reviews(OWNER, REPO, pull.number).length)).toEqual([1, 1, 1, 1]);
    // The same processes, still running: they saw the outage and reconnected without a restart.
    expect(web.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(logLines(web, "Redis connection error").length).toBeGreaterThan(0);
    expect(logLines(worker, "Redis connection error").length).toBeGreaterThan(0);
  });
});
