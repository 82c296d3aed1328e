import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, logLines, modelCallsFor, sleep, startWebProcess, startWorkerProcess, type ClusterServices } from "../../support/app-cluster.js";
import { waitFor, type AppProcess } from "../../support/app-process.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";
import { waitForReviews } from "../../support/review-waits.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";

/*
 * The repository review budget, charged by the worker right before the first model call: a comment
 * storm from a non-writer, a wave of pushes beyond the budget, and a repository config that tries to
 * lift the operator's caps. The budget refills fast here (REVIEW_RATE_LIMIT_PER_REPO is per hour, so
 * 1200 is one review every 3 s) with a burst of 2, so waiting jobs run within seconds.
 */

const OWNER = "octo-org";
const oneFile = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const threeFiles = readFileSync(new URL("../../fixtures/diffs/release-picomatch-4.0.2-4.0.3.diff", import.meta.url), "utf8");
const WORKER_ENV = {
  REVIEW_RATE_LIMIT_PER_REPO: "1200",
  REVIEW_BURST_PER_REPO: "2",
  MODEL_REASONING_EFFORT: "low",
  REVIEW_MAX_FILES: "1",
  LOG_LEVEL: "info",
};

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let web: AppProcess;
let worker: AppProcess;
let nextPull = 1;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: ({ body }) => completedReply({ summary: "Looks fine.", comments: [] }, { request: body }) });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `budget-${randomUUID().slice(0, 8)}` });
  web = await startWebProcess(services, { LOG_LEVEL: "info" });
  worker = await startWorkerProcess(services, WORKER_ENV);
});

afterEach(() => expectCleanFakes({ github, model }));

afterAll(async () => {
  await worker?.stop();
  await web?.stop();
  await github?.close();
  await model?.close();
});

const hookUrl = () => `${web.url}/api/github/webhooks`;
const deliver = (event: string, payload: unknown) => deliverWebhook(hookUrl(), event, payload, { secret: services.secret });

function openPull(repo: string, diff = oneFile): PullTarget {
  const number = nextPull++;
  return addPull(github, { owner: OWNER, repo, number, diff, title: `Budget ${repo} ${number}` });
}

/** Every PATCH the app sent to a check run, in order. */
const checkRunPatches = (repo: string, id: number) =>
  github.requests
    .filter((request) => request.method === "PATCH" && request.path === `/repos/${OWNER}/${repo}/check-runs/${id}`)
    .map((request) => request.body as { status?: string; conclusion?: string; output?: { title: string } });

describe("a wave of automatic reviews beyond the budget", () => {
  it("delays the reviews over the budget (check run queued with the time), then reviews every one on the same check run", async () => {
    const repo = "monorepo";
    const wave = Array.from({ length: 6 }, () => openPull(repo));
    for (const pull of wave) expect((await deliver("pull_request", pullRequestPayload("opened", pull))).status).toBe(200);

    for (const pull of wave) await waitForReviews(github, pull, 1, 60_000);
    await waitFor(
      () => (github.checkRuns(OWNER, repo).every((run) => run.status === "completed") ? true : undefined),
      10_000,
      "every check run completed",
    );
    // None lost, none twice, and each head has one check run: the delayed job took its queued run up again.
    for (const pull of wave) {
      expect(github.reviews(OWNER, repo, pull.number)).toHaveLength(1);
      const runs = github.checkRuns(OWNER, repo).filter((run) => run.head_sha === pull.headSha);
      expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "success"]]);
    }
    const delayed = github.checkRuns(OWNER, repo).filter((run) => checkRunPatches(repo, run.id).some((patch) => patch.status === "queued"));
    // A burst of 2 and one token every 3 s: most of the six waited (how many depends on how fast the first ran).
    expect(delayed.length).toBeGreaterThanOrEqual(2);
    for (const run of delayed) {
      const patches = checkRunPatches(repo, run.id);
      const queued = patches.find((patch) => patch.status === "queued")!;
      expect(queued.output!.title).toMatch(/^Waiting for the repository's review budget; runs at \d\d:\d\d UTC/);
      expect(patches.map((patch) => patch.status ?? "(output)")).toEqual(["queued", "in_progress", "completed"]);
    }
    await waitFor(() => (logLines(worker, "Repository review budget spent: job delayed").length >= delayed.length ? true : undefined), 5_000, "the delay log lines");
  }, 90_000);
});

describe("a PR pushed again while its review waits for budget", () => {
  it("completes the waiting check run as superseded and reviews the new head", async () => {
    const repo = "stack";
    const pulls = Array.from({ length: 4 }, () => openPull(repo));
    for (const pull of pulls) await deliver("pull_request", pullRequestPayload("opened", pull));
    // Four jobs start together (WORKER_CONCURRENCY 4) against a burst of 2: the last ones wait.
    const waiting = await waitFor(
      () => github.checkRuns(OWNER, repo).find((run) => run.status === "queued" && checkRunPatches(repo, run.id).some((patch) => patch.status === "queued")),
      30_000,
      "a check run waiting for budget",
    );
    const pull = pulls.find((candidate) => candidate.headSha === waiting.head_sha)!;
    const pushed = { ...pull, headSha: randomBytes(20).toString("hex") };
    github.pushToPullRequest(OWNER, repo, pull.number, { headSha: pushed.headSha, diff: oneFile });
    await deliver("pull_request", pullRequestPayload("synchronize", pushed));

    const [review] = await waitForReviews(github, pushed, 1, 60_000);
    expect(review!.commit_id).toBe(pushed.headSha);
    const settled = await waitFor(() => github.checkRuns(OWNER, repo).find((run) => run.id === waiting.id && run.status === "completed"), 30_000, "the waiting run settled");
    expect([settled.conclusion, settled.output.title]).toEqual(["neutral", "Superseded by a newer push"]);
    for (const other of pulls.filter((candidate) => candidate !== pull)) await waitForReviews(github, other, 1, 60_000);
    await waitFor(() => (github.checkRuns(OWNER, repo).every((run) => run.status === "completed") ? true : undefined), 30_000, "every check run completed");
    expect(github.reviews(OWNER, repo, pull.number)).toHaveLength(1);
  }, 120_000);
});

describe("a comment storm from someone without write access", () => {
  it("answers the non-writer once, calls no model for them, and does not delay a writer's review", async () => {
    const repo = "public-project";
    github.setPermission(OWNER, repo, "maintainer-mia", "write");
    // The automatic bucket is spent by a wave first: commands draw from their own bucket.
    const pushes = Array.from({ length: 4 }, () => openPull(repo));
    for (const pull of pushes) await deliver("pull_request", pullRequestPayload("opened", pull));

    const target = openPull(repo);
    for (let i = 0; i < 35; i++) {
      const comment = github.addIssueComment(OWNER, repo, target.number, { body: "/codex review", user: "drive-by" });
      await deliver("issue_comment", prCommentPayload(target, { id: comment.id, body: comment.body, login: "drive-by", association: "NONE" }));
    }
    const asked = github.addIssueComment(OWNER, repo, target.number, { body: "/codex review", user: "maintainer-mia" });
    await deliver("issue_comment", prCommentPayload(target, { id: asked.id, body: asked.body, login: "maintainer-mia", association: "MEMBER" }));

    const [review] = await waitForReviews(github, target, 1, 30_000);
    expect(review).toBeDefined();
    for (const pull of pushes) await waitForReviews(github, pull, 1, 60_000);
    await sleep(500);
    const refusals = github.issueComments(OWNER, repo, target.number).filter((comment) => comment.body.includes("write access"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.body).toContain("@drive-by");
    // One permission lookup for the storm (the one job it got), none for the 34 comments after it.
    const permissionLookups = github.requests.filter((request) => request.path === `/repos/${OWNER}/${repo}/collaborators/drive-by/permission`);
    expect(permissionLookups).toHaveLength(1);
    expect(github.reviews(OWNER, repo, target.number)).toHaveLength(1);
    expect(modelCallsFor(model, `Budget ${repo} ${target.number}`)).toBe(1);
    // The writer's review never waited, though the automatic reviews did.
    const writerRun = github.checkRuns(OWNER, repo).find((run) => run.head_sha === target.headSha)!;
    expect(checkRunPatches(repo, writerRun.id).map((patch) => patch.status)).not.toContain("queued");
    expect(github.checkRuns(OWNER, repo).some((run) => checkRunPatches(repo, run.id).some((patch) => patch.status === "queued"))).toBe(true);
  }, 90_000);
});

describe("a repository config that tries to lift the operator's caps", () => {
  it("reviews with the env's lower values: reasoning effort and max files", async () => {
    const repo = "greedy";
    github.setFile(OWNER, repo, ".github/codex-review.yml", "caps:\n  max_files: 10000\nreasoning_effort: high\n");
    const pull = openPull(repo, threeFiles);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1, 30_000);
    const calls = model.requests.filter((request) => request.path === "/v1/responses" && request.rawBody.includes(`title: Budget ${repo} ${pull.number}`));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect((call.body as { reasoning: { effort: string } }).reasoning.effort).toBe("low");
    // REVIEW_MAX_FILES=1: one of the three files went to the model, whatever the repository asked for.
    const filesShown = new Set(calls.flatMap((call) => [...call.rawBody.matchAll(/FILE: (\S+)/g)].map((match) => match[1])));
    expect(filesShown.size).toBe(1);
  }, 60_000);
});
