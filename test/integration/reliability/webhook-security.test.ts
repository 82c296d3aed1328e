import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, logLines, sleep, startWebProcess, type ClusterServices } from "../../support/app-cluster.js";
import { waitFor, type AppProcess } from "../../support/app-process.js";
import { deliverWebhook, signWebhookBody } from "../../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload } from "../../support/webhook-payloads.js";

/*
 * The web process alone (no worker, so jobs stay where the test can count them): replayed delivery
 * ids, oversized bodies, and the per-person limit on requests without visible write access.
 */

const OWNER = "octo-org";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const MiB = 1024 * 1024;

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let queue: Queue;
let nextPull = 1;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake();
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `webhook-security-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: services.redisUrl } });
  web = await startWebProcess(services, { LOG_LEVEL: "info" });
  // At start it asked GitHub for its slug (GET /app); from then on it calls nothing.
  expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /app"]);
  github.requests.length = 0;
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  // The web process never calls GitHub or the model while handling deliveries.
  expect(github.requests).toEqual([]);
  expect(model.requests).toEqual([]);
});

afterAll(async () => {
  await web?.stop();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await github?.close();
  await model?.close();
});

const hookUrl = () => `${web.url}/api/github/webhooks`;
const jobsFor = async (repo: string, number?: number) =>
  (await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"])).filter(
    (job) => job.data.repo === repo && (number === undefined || job.data.pullNumber === number),
  );

/** A raw POST with a signed body, optionally without Content-Length (chunked); resolves on the status line. */
function rawPost(body: Buffer, options: { chunked: boolean }): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signWebhookBody(services.secret, body.toString("utf8")),
    };
    if (!options.chunked) headers["content-length"] = body.length;
    const req = request(`${hookUrl()}`, { method: "POST", headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
    });
    // The server may close while we still write (EPIPE/ECONNRESET) with its 413 already on the wire: give
    // the response a moment to be read, then fail the test rather than hang it.
    req.on("error", (error) => setTimeout(() => reject(error), 1_000).unref());
    for (let offset = 0; offset < body.length; offset += 256 * 1024) req.write(body.subarray(offset, offset + 256 * 1024));
    req.end();
  });
}

/** A real pull_request.opened payload padded to about `bytes` with a long PR body. */
function paddedPayload(repo: string, bytes: number): Buffer {
  const pull = addPull(github, { owner: OWNER, repo, number: nextPull++, diff });
  const payload = pullRequestPayload("opened", pull);
  payload.pull_request.body = "x".repeat(bytes);
  return Buffer.from(JSON.stringify(payload));
}

describe("replayed deliveries", () => {
  it("ignores a delivery id it has seen, even after that delivery's job is gone", async () => {
    const repo = "replays";
    const pull = addPull(github, { owner: OWNER, repo, number: nextPull++, diff });
    const deliveryId = randomUUID();
    const payload = pullRequestPayload("opened", pull);
    expect((await deliverWebhook(hookUrl(), "pull_request", payload, { secret: services.secret, deliveryId })).status).toBe(200);
    const [job] = await waitFor(async () => ((await jobsFor(repo, pull.number)).length ? jobsFor(repo, pull.number) : undefined), 5_000, "the job");
    // Jobs are removed from Redis after a day (or sooner under load); the ledger still knows the id.
    await job!.remove();

    const replay = await deliverWebhook(hookUrl(), "pull_request", payload, { secret: services.secret, deliveryId });
    expect(replay.status).toBe(200);
    await sleep(300);
    expect(await jobsFor(repo, pull.number)).toHaveLength(0);
    const replayLines = () => logLines(web, "Delivery already handled: replay ignored").filter((line) => line.deliveryId === deliveryId);
    await waitFor(() => (replayLines().length > 0 ? true : undefined), 5_000, "the replay log line");
    expect(replayLines()).toHaveLength(1);
  });

  it("does not let an unsigned request mark a delivery id as seen", async () => {
    const repo = "replays-unsigned";
    const pull = addPull(github, { owner: OWNER, repo, number: nextPull++, diff });
    const deliveryId = randomUUID();
    const payload = pullRequestPayload("opened", pull);
    const forged = await deliverWebhook(hookUrl(), "pull_request", payload, { secret: "not-the-secret", deliveryId });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect((await deliverWebhook(hookUrl(), "pull_request", payload, { secret: services.secret, deliveryId })).status).toBe(200);
    await waitFor(async () => ((await jobsFor(repo, pull.number)).length === 1 ? true : undefined), 5_000, "the job");
  });
});

describe("oversized bodies", () => {
  it("refuses a signed 6 MiB delivery with 413 at once, before reading it, and enqueues nothing", async () => {
    const body = paddedPayload("big", 6 * MiB);
    const { status, ms } = await rawPost(body, { chunked: false });
    expect(status).toBe(413);
    // Refused on its Content-Length alone: no time spent reading 6 MiB (generous bound for a busy CI machine).
    expect(ms).toBeLessThan(2_000);
    expect(await jobsFor("big")).toHaveLength(0);
    await waitFor(() => (logLines(web, "Webhook body too large: refused").length > 0 ? true : undefined), 5_000, "the refusal log line");
  });

  it("refuses a chunked (no Content-Length) delivery once it passes the limit", async () => {
    const { status } = await rawPost(paddedPayload("big-chunked", 6 * MiB), { chunked: true });
    expect(status).toBe(413);
    expect(await jobsFor("big-chunked")).toHaveLength(0);
  });

  it("accepts a signed delivery just under the limit (the signature still checks)", async () => {
    const { status } = await rawPost(paddedPayload("big-but-fine", 4 * MiB), { chunked: true });
    expect(status).toBe(200);
    await waitFor(async () => ((await jobsFor("big-but-fine")).length === 1 ? true : undefined), 5_000, "the job");
  });
});

describe("requests from people without write access", () => {
  it("queues one job per non-writer per hour, never blocks a writer's command or automatic reviews, and charges no budget here", async () => {
    const repo = "comment-storm";
    const storm = addPull(github, { owner: OWNER, repo, number: nextPull++, diff });
    const STORM = 35;
    for (let i = 0; i < STORM; i++) {
      const payload = prCommentPayload(storm, { id: 700_000 + i, body: "/codex review", login: "drive-by", association: "NONE" });
      expect((await deliverWebhook(hookUrl(), "issue_comment", payload, { secret: services.secret })).status).toBe(200);
    }
    // One job: its permission check answers the person once; the other comments cost no job at all.
    expect(await jobsFor(repo, storm.number)).toHaveLength(1);
    const ignored = () => logLines(web, "Request over its per-person reply limit: ignored").filter((line) => line.login === "drive-by");
    await waitFor(() => (ignored().length >= STORM - 1 ? true : undefined), 5_000, "the ignored-request log lines");

    // The payload shows write access: straight to the queue, storm or not.
    const writer = prCommentPayload(storm, { id: 710_000, body: "/codex review full", login: "maintainer-mia", association: "MEMBER" });
    await deliverWebhook(hookUrl(), "issue_comment", writer, { secret: services.secret });
    expect((await jobsFor(repo, storm.number)).map((job) => job.data.requestedBy).sort()).toEqual(["drive-by", "maintainer-mia"]);

    // Automatic reviews are queued whatever happened: the budget is the worker's, charged before a model call.
    const wave = Array.from({ length: 10 }, () => addPull(github, { owner: OWNER, repo, number: nextPull++, diff }));
    for (const pull of wave) await deliverWebhook(hookUrl(), "pull_request", pullRequestPayload("opened", pull), { secret: services.secret });
    expect(await jobsFor(repo)).toHaveLength(12);
  });

  it("answers `/codex help` once per person per hour, writers included", async () => {
    const repo = "help-storm";
    const pull = addPull(github, { owner: OWNER, repo, number: nextPull++, diff });
    for (let i = 0; i < 5; i++) {
      for (const login of ["maintainer-mia", "drive-by"]) {
        const payload = prCommentPayload(pull, { id: 720_000 + i * 2 + (login === "drive-by" ? 1 : 0), body: "/codex help", login, association: login === "drive-by" ? "NONE" : "OWNER" });
        await deliverWebhook(hookUrl(), "issue_comment", payload, { secret: services.secret });
      }
    }
    expect((await jobsFor(repo, pull.number)).map((job) => job.data.requestedBy).sort()).toEqual(["drive-by", "maintainer-mia"]);
  });
});
