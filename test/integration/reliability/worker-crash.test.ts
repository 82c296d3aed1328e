import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, modelCallsFor, sleep, startWebProcess, startWorkerProcess, type ClusterServices } from "../../support/app-cluster.js";
import { waitFor, type AppProcess } from "../../support/app-process.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";
import { settledCheckRuns } from "../../support/review-waits.js";

/*
 * No lost review, no double review, when a worker process dies: SIGKILL (no cleanup at all) while the
 * model call is in flight, and SIGKILL after GitHub stored the review but before the worker heard back.
 * Locks are shortened (WORKER_LOCK_DURATION_MS / WORKER_STALLED_INTERVAL_MS) so the takeover happens
 * in seconds instead of BullMQ's default 30 s.
 */

const OWNER = "octo-org";
const REPO = "crash-site";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const WORKER_ENV = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000", LOG_LEVEL: "info" };
const MODEL_DELAY_MS = 3_000;

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let queue: Queue;
const workers: AppProcess[] = [];
let nextPull = 1;
/** PR titles whose model calls are slow, so a kill lands while the call is in flight. */
const slowTitles = new Set<string>();

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: ({ body }) => {
      const slow = [...slowTitles].some((title) => String(body.input).includes(`title: ${title}`));
      return completedReply({ summary: "Looks fine.", comments: [] }, { request: body, delayMs: slow ? MODEL_DELAY_MS : 0 });
    },
  });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `crash-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: services.redisUrl } });
  web = await startWebProcess(services);
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop("SIGKILL");
  expectCleanFakes({ github, model });
});

afterAll(async () => {
  for (const worker of workers) await worker.stop("SIGKILL");
  await web?.stop();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await github?.close();
  await model?.close();
});

async function openPull(title: string): Promise<PullTarget> {
  const pull = addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff, title });
  const delivery = await deliverWebhook(`${web.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret });
  expect(delivery.status).toBeLessThan(300);
  return pull;
}

const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);
const reviewPosts = (pull: PullTarget) =>
  github.requests.filter((r) => r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/pulls/${pull.number}/reviews`);

async function finishedJob(pull: PullTarget) {
  return waitFor(async () => {
    const jobs = await queue.getJobs(["completed"]);
    return jobs.find((job) => job.data.pullNumber === pull.number);
  }, 30_000, "the job to complete");
}

describe("a worker killed mid-review", () => {
  it("is replaced by another worker that finishes the review once", async () => {
    const title = `Killed while the model thinks ${randomUUID().slice(0, 6)}`;
    slowTitles.add(title);
    const first = await startWorkerProcess(services, WORKER_ENV);
    workers.push(first);
    const pull = await openPull(title);

    await waitFor(() => (modelCallsFor(model, title) >= 1 ? true : undefined), 20_000, "the first model call");
    await first.stop("SIGKILL");
    expect(reviewsOf(pull)).toHaveLength(0);

    const killedAt = performance.now();
    workers.push(await startWorkerProcess(services, WORKER_ENV));
    await waitFor(() => (reviewsOf(pull).length ? true : undefined), 30_000, "the review from the second worker");
    const takeoverMs = performance.now() - killedAt;
    // Lock expiry (2 s) + a stalled check (1 s) + the model's 3 s, with room for process start-up.
    expect(takeoverMs).toBeLessThan(20_000);

    const job = await finishedJob(pull);
    expect(job.returnvalue).toMatchObject({ status: "posted" });
    await sleep(1_500);
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(reviewPosts(pull)).toHaveLength(1);
    expect(modelCallsFor(model, title)).toBe(2);
    // The dead worker's check run is carried on by the one that took over, and completed: one run, green.
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "success"]]);
  });
});

describe("a worker killed after GitHub stored its review", () => {
  it("is replaced by a worker that finds the review's marker and posts nothing more", async () => {
    const title = `Killed after posting ${randomUUID().slice(0, 6)}`;
    // GitHub stores the review, but its answer takes 5 s: the worker is dead before it arrives.
    github.failNext("POST /repos/:owner/:repo/pulls/:number/reviews", { status: 502, afterRoute: true, delayMs: 5_000 });
    const first = await startWorkerProcess(services, WORKER_ENV);
    workers.push(first);
    const pull = await openPull(title);

    await waitFor(() => (reviewsOf(pull).length ? true : undefined), 20_000, "GitHub to store the review");
    await first.stop("SIGKILL");

    workers.push(await startWorkerProcess(services, WORKER_ENV));
    const job = await finishedJob(pull);
    expect(job.returnvalue).toMatchObject({ status: "already-posted", reviewId: reviewsOf(pull)[0]!.id });
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(reviewPosts(pull)).toHaveLength(1);
    // The retry did not pay for a second model run either: the marker is checked before the model.
    expect(modelCallsFor(model, title)).toBe(1);
    // The run the dead worker opened is completed with the posted review's verdict, not left in progress.
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "success"]]);
  });
});

describe("a worker killed after posting the review, before the check run is completed", () => {
  it("leaves the completion to its follow-up job, which another worker runs", async () => {
    const title = `Killed before completing the run ${randomUUID().slice(0, 6)}`;
    // The completing PATCH hangs 5 s and then fails, GitHub storing nothing: the worker dies meanwhile.
    github.failNext("PATCH /repos/:owner/:repo/check-runs/:id", { status: 502, delayMs: 5_000 });
    const first = await startWorkerProcess(services, WORKER_ENV);
    workers.push(first);
    const pull = await openPull(title);
    const patches = () => github.requests.filter((r) => r.method === "PATCH" && r.path.startsWith(`/repos/${OWNER}/${REPO}/check-runs/`));
    const before = patches().length;

    await waitFor(() => (reviewsOf(pull).length && patches().length > before ? true : undefined), 20_000, "the review and the completing PATCH");
    await first.stop("SIGKILL");
    // The review job itself is done: the completion was handed to a job of its own, still unfinished.
    const job = await finishedJob(pull);
    expect(job.returnvalue).toMatchObject({ status: "posted" });
    const run = github.checkRuns(OWNER, REPO).find((candidate) => candidate.head_sha === pull.headSha);
    expect(run?.status).toBe("in_progress");

    workers.push(await startWorkerProcess(services, WORKER_ENV));
    expect(await settledCheckRuns(github, pull, 30_000)).toEqual([["completed", "success"]]);
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(reviewPosts(pull)).toHaveLength(1);
    expect(modelCallsFor(model, title)).toBe(1);
  });
});
