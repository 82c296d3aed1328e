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
 * A worker that is frozen (SIGSTOP: a paused VM, a stuck event loop) past its lock loses the job to
 * another worker, which reviews and posts. When the frozen one resumes (SIGCONT) its run of the job must
 * not post a second review, must not move the job with its lost token, and must leave the check run as
 * the other worker completed it.
 */

const OWNER = "octo-org";
const REPO = "lock-loss";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const WORKER_ENV = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000", LOG_LEVEL: "info" };
/** The frozen worker's model call; its answer is waiting on the socket when the worker resumes. */
const FIRST_CALL_DELAY_MS = 3_000;

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let queue: Queue;
const workers: AppProcess[] = [];
let nextPull = 1;
/** Titles whose first model call has been answered slowly already. */
const slowed = new Set<string>();

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: ({ body }) => {
      const title = /title: (.*)/.exec(String(body.input))?.[1] ?? "";
      const first = !slowed.has(title);
      slowed.add(title);
      return completedReply({ summary: "Looks fine.", comments: [] }, { request: body, delayMs: first ? FIRST_CALL_DELAY_MS : 0 });
    },
  });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `lock-loss-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: services.redisUrl } });
  web = await startWebProcess(services);
}, 90_000);

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.child.kill("SIGCONT");
    await worker.stop("SIGKILL");
  }
  expectCleanFakes({ github, model });
});

afterAll(async () => {
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

const reviewPosts = (pull: PullTarget) =>
  github.requests.filter((r) => r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/pulls/${pull.number}/reviews`);

describe("a worker frozen past its lock", () => {
  it("does not post again when it resumes after another worker took the job over and posted", async () => {
    const title = `Frozen mid-call ${randomUUID().slice(0, 6)}`;
    // Both workers run before the job exists, so the freeze stays short: under 10 s, Bottleneck's client
    // timeout (Probot's shared throttling in Redis), past which a resumed worker's GitHub calls fail anyway.
    workers.push(await startWorkerProcess(services, WORKER_ENV), await startWorkerProcess(services, WORKER_ENV));
    const pull = await openPull(title);

    await waitFor(() => (modelCallsFor(model, title) >= 1 ? true : undefined), 60_000, "the first model call");
    // The worker that runs the job (its log line may trail the model call a little).
    const frozen = await waitFor(() => workers.find((worker) => logLines(worker, "Review planned").length > 0), 10_000, "the worker running the job");
    frozen.child.kill("SIGSTOP");

    const job = await waitFor(async () => {
      const jobs = await queue.getJobs(["completed"]);
      return jobs.find((candidate) => candidate.data.pullNumber === pull.number);
    }, 60_000, "the other worker to complete the job");
    expect(job.returnvalue).toMatchObject({ status: "posted" });
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(1);

    // Resume the frozen worker; its model call has been answered meanwhile, so its run picks up where it stopped.
    frozen.child.kill("SIGCONT");
    // Time for the resumed run to get as far as it can (model answer in hand, so a few GitHub calls).
    await sleep(6_000);

    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(1);
    expect(reviewPosts(pull)).toHaveLength(1);
    // The job stays as the other worker left it: completed, its result untouched by the lost token.
    const after = await queue.getJob(job.id!);
    expect(await after!.getState()).toBe("completed");
    expect(after!.returnvalue).toMatchObject({ status: "posted" });
    // One check run for the head, completed with the posted review's verdict; none left in progress.
    const runs = github.checkRuns(OWNER, REPO).filter((run) => run.head_sha === pull.headSha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "success"]]);
    // The resumed worker stopped quietly: no job error, so it did not try to move or fail the job with its lost token.
    expect(logLines(frozen, "Lost the job's lock to another worker; stopping this run without touching the job")).toHaveLength(1);
    expect(logLines(frozen, "Review job failed")).toEqual([]);
  }, 150_000);
});
