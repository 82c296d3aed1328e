import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, logLines, modelCallsFor, sleep, startWebProcess, startWorkerProcess, type ClusterServices } from "../../support/app-cluster.js";
import { waitFor, type AppProcess } from "../../support/app-process.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";

/*
 * SIGTERM (a redeploy): a worker finishes what fits in WORKER_SHUTDOWN_GRACE_MS, hands the rest back to
 * the queue and exits; another worker completes it; one review either way. The web server stops
 * taking deliveries at once.
 */

const OWNER = "octo-org";
const REPO = "redeploy";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const GRACE_MS = 1_500;
/** Per PR title: how long the model takes. */
const modelDelay = new Map<string, number>();

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let queue: Queue;
const workers: AppProcess[] = [];
let nextPull = 1;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: ({ body }) => {
      const title = [...modelDelay.keys()].find((t) => String(body.input).includes(`title: ${t}\n`));
      return completedReply({ summary: "Fine.", comments: [] }, { request: body, delayMs: title ? modelDelay.get(title)! : 0 });
    },
  });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `shutdown-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: services.redisUrl } });
  web = await startWebProcess(services, { LOG_LEVEL: "info" });
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop("SIGKILL");
  expectCleanFakes({ github, model });
});

afterAll(async () => {
  await web?.stop("SIGKILL");
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await github?.close();
  await model?.close();
});

async function startWorker(graceMs = GRACE_MS): Promise<AppProcess> {
  const worker = await startWorkerProcess(services, { WORKER_SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: "info" });
  workers.push(worker);
  return worker;
}

async function openPull(title: string, modelMs: number): Promise<PullTarget> {
  modelDelay.set(title, modelMs);
  const pull = addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff, title });
  const delivery = await deliverWebhook(`${web.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret });
  expect(delivery.status).toBeLessThan(300);
  return pull;
}

/** Sends SIGTERM and measures how long the process takes to exit on its own. */
async function terminate(app: AppProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  const code = await app.stop("SIGTERM");
  return { code, ms: performance.now() - started };
}

const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);

describe("SIGTERM to a worker during a review", () => {
  it("hands a review that outlasts the grace period back; another worker posts it once", async () => {
    const title = `Long review ${randomUUID().slice(0, 6)}`;
    const first = await startWorker();
    const pull = await openPull(title, 8_000);
    await waitFor(() => (modelCallsFor(model, title) >= 1 ? true : undefined), 20_000, "the model call");

    const { code, ms } = await terminate(first);
    expect(code).toBe(0);
    // The bound: the grace period plus the hand-back and closing connections.
    expect(ms).toBeLessThan(GRACE_MS + 2_000);
    expect(logLines(first, "Job handed back to the queue unfinished")).toHaveLength(1);
    const job = (await queue.getJobs(["waiting"])).find((j) => j.data.pullNumber === pull.number);
    expect(job?.attemptsMade).toBe(0);
    expect(reviewsOf(pull)).toHaveLength(0);

    modelDelay.set(title, 0);
    await startWorker();
    await waitFor(() => (reviewsOf(pull).length ? true : undefined), 20_000, "the review from the next worker");
    // The first worker's model call was still out when it left; whatever it returned was not posted.
    await sleep(8_000 - GRACE_MS);
    expect(reviewsOf(pull)).toHaveLength(1);
  });

  it("finishes a review that fits in the grace period before exiting", async () => {
    const title = `Short review ${randomUUID().slice(0, 6)}`;
    // Octokit's throttling spaces an installation's writes (check run, review) by 1-3 s, so the review
    // needs a few seconds after the model answers: a grace period of 10 s covers it.
    const graceMs = 10_000;
    const first = await startWorker(graceMs);
    const pull = await openPull(title, 600);
    await waitFor(() => (modelCallsFor(model, title) >= 1 ? true : undefined), 20_000, "the model call");

    const { code, ms } = await terminate(first);
    expect(code).toBe(0);
    // It leaves as soon as its job is done, not at the end of the grace period.
    expect(ms).toBeLessThan(graceMs);
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(logLines(first, "Job handed back to the queue unfinished")).toHaveLength(0);
    const job = (await queue.getJobs(["completed"])).find((j) => j.data.pullNumber === pull.number);
    expect(job?.returnvalue).toMatchObject({ status: "posted" });
  });
});

describe("SIGTERM to the web process", () => {
  it("exits at once and takes no more deliveries", async () => {
    const { code, ms } = await terminate(web);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2_000);
    await expect(fetch(`${web.url}/ping`)).rejects.toThrow();
  });
});
