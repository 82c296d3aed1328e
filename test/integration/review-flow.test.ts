import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { isReadOnlyGraphql } from "../../src/process/read-only-graphql.js";
import { createRedisPauseStore, type PauseStore } from "../../src/queue/pause-store.js";
import { addPull } from "../support/add-pull.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { addedLine, firstFile, multiHunkDiff, multiHunkModelOutput } from "../support/multi-hunk-review.js";
import { waitForCompletedCheckRun, waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

const OWNER = "octo-org";
const REPO = "hello-world";

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let queue: Queue;
let redis: Redis;
let pauses: PauseStore;
let nextPull = 1;
const queueName = `it-${randomUUID().slice(0, 8)}`;

const newPull = (overrides: { draft?: boolean; state?: "open" | "closed" } = {}): PullTarget =>
  addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff, ...overrides });

const webhookUrl = () => `${app.url}/api/github/webhooks`;
const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: () => completedReply(multiHunkModelOutput) });
  const redisUrl = inject("redisUrl");
  queue = new Queue(queueName, { connection: { url: redisUrl } });
  redis = new Redis(redisUrl);
  pauses = createRedisPauseStore(redis, queueName);
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, redisUrl, queueName));
});

afterAll(async () => {
  await app?.stop();
  await dropQueue(queue);
  redis?.disconnect();
  await github?.close();
  await model?.close();
});

afterEach(() => expectCleanFakes({ github, model }));

describe("automatic review", () => {
  it("posts one review with the anchored comment and the off-diff finding in the body", async () => {
    const pull = newPull();
    const requestsBefore = github.requests.length;
    const delivery = await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
    expect(delivery.status).toBeLessThan(300);

    const [review] = await waitForReviews(github, pull);
    expect(review!.commit_id).toBe(pull.headSha);
    expect(review!.state).toBe("COMMENTED");
    expect(review!.comments).toHaveLength(1);
    expect(review!.comments[0]).toMatchObject({ path: firstFile!.path, line: addedLine.newLine, side: "RIGHT" });
    expect(review!.comments[0]!.body).toContain("P1");
    expect(review!.body).toContain("Consider documenting the parser limits");
    expect(review!.body).toContain(`<!-- codex-review:v1 head=${pull.headSha}`);

    // Six GitHub requests for a first review, three of them through Octokit's write limiter and one of
    // those a notification: the GraphQL context read, the check run's create, the diff, the tarball at the
    // head (a cold snapshot cache; this repository has no history: GitHub's 404), the review (which
    // carries the PR's summary: a first review creates no summary comment), and the check run's
    // completion (a follow-up job). No open-run lookup and no head re-check: a first attempt cannot have
    // opened a run or posted, and Redis says whether a later push arrived.
    await waitForCompletedCheckRun(github, pull);
    const made = github.requests.slice(requestsBefore).filter((request) => !request.path.startsWith("/app/"));
    const calls = made.map((request) => `${request.method} ${request.path.replace(pull.headSha, ":sha").replace(pull.baseSha!, ":base").replace(/\d+/g, ":n")}`);
    // The diff of the event's base and head is read beside the context query (the event said the PR is no draft), and the check run
    // is created while the repository's tarball is asked for: each pair comes in either order.
    expect([[...calls.slice(0, 2)].sort(), [...calls.slice(2, 4)].sort(), ...calls.slice(4)]).toEqual([
      ["GET /repos/octo-org/hello-world/compare/:base...:sha", "POST /api/graphql"],
      ["GET /repos/octo-org/hello-world/tarball/:sha", "POST /repos/octo-org/hello-world/check-runs"],
      "POST /repos/octo-org/hello-world/pulls/:n/reviews",
      "PATCH /repos/octo-org/hello-world/check-runs/:n",
    ]);
    expect(review!.body).toContain("#### What this pull request changes");
    expect(review!.body).toMatch(/<!-- codex-review:summary data=[A-Za-z0-9_-]+ -->$/);
    const queries = made.filter((request) => request.path === "/api/graphql").map((request) => String((request.body as { query: string }).query));
    expect(queries.every((query) => isReadOnlyGraphql(query))).toBe(true);
    const throughWriteLimiter = made.filter((request) => request.method !== "GET" && request.path !== "/api/graphql");
    expect(throughWriteLimiter).toHaveLength(3);

    const modelCalls = model.requests.filter((request) => request.path === "/v1/responses");
    expect(modelCalls.length).toBeGreaterThan(0);
    expect(modelCalls[0]!.body).toMatchObject({ model: "openai/gpt-5-1-codex", text: { format: { type: "json_schema" } } });
  });

  it("reads the diff while GitHub answers the context query, and skipped jobs never read it", async () => {
    const pull = newPull();
    const draft = newPull({ draft: true });
    const paused = newPull();
    await pauses.setPaused({ owner: OWNER, repo: REPO, pullNumber: paused.number }, true);
    const before = github.requests.length;
    const slowContext = 1_500;
    github.delayNext({ method: "POST", path: "/api/graphql", graphql: /query ReviewContext/ }, slowContext);
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("synchronize", pull), { secret: SECRET });
    await waitForReviews(github, pull);
    const made = github.requests.slice(before);
    const context = made.find((request) => request.path === "/api/graphql");
    const diff = made.find((request) => request.method === "GET" && request.path === `/repos/${OWNER}/${REPO}/compare/${pull.baseSha}...${pull.headSha}`);
    expect(context!.answeredAt - context!.receivedAt).toBeGreaterThanOrEqual(slowContext - 50);
    // Sent while the slow answer was on its way, not after it (one round trip less before the model).
    expect(diff!.receivedAt).toBeLessThan(context!.answeredAt);
    expect(made.filter((request) => request === diff || request.path.endsWith(`/pulls/${pull.number}`) || request.path.includes("/compare/"))).toHaveLength(1);

    // A draft (as the event says) and a paused PR: skipped after the context query, and no diff read.
    const skippedFrom = github.requests.length;
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("synchronize", draft, { draft: true }), { secret: SECRET });
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("synchronize", paused), { secret: SECRET });
    const draftCheck = await waitForCompletedCheckRun(github, draft, 20_000);
    const pausedCheck = await waitForCompletedCheckRun(github, paused, 20_000);
    expect([draftCheck.conclusion, pausedCheck.conclusion]).toEqual(["skipped", "skipped"]);
    const diffReads = github.requests.slice(skippedFrom).filter((request) => request.method === "GET" && /\/pulls\/\d+$|\/compare\//.test(request.path));
    expect(diffReads).toEqual([]);
  });

  it("posts one review per head SHA when the same webhook arrives twice", async () => {
    const pull = newPull();
    const payload = pullRequestPayload("synchronize", pull);
    const deliveryId = randomUUID();
    const first = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET, deliveryId });
    const again = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET, deliveryId });
    const redelivered = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET });
    expect([first.status, again.status, redelivered.status].every((status) => status < 300)).toBe(true);

    await waitForReviews(github, pull);
    // Give a duplicate job time to post if one had been queued.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reviewsOf(pull)).toHaveLength(1);
  });

  it("skips closed pull requests, and drafts with a skipped check run that says why", async () => {
    const draft = newPull({ draft: true });
    const closed = newPull({ state: "closed" });
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", draft, { draft: true }), { secret: SECRET });
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", closed, { state: "closed" }), { secret: SECRET });
    const check = await waitForCompletedCheckRun(github, draft, 20_000);
    expect(check.conclusion).toBe("skipped");
    expect(check.output?.title).toContain("draft");
    expect(reviewsOf(draft)).toHaveLength(0);
    expect(reviewsOf(closed)).toHaveLength(0);
    const jobs = await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
    expect(jobs.filter((job) => job.data.pullNumber === closed.number)).toHaveLength(0);
  });
});

describe("webhook signature", () => {
  it.each([
    ["missing", null],
    ["wrong", "sha256=0000000000000000000000000000000000000000000000000000000000000000"],
    ["signed with another secret", "other-secret"],
  ])("refuses a delivery whose signature is %s and enqueues nothing", async (_name, signature) => {
    const pull = newPull();
    const payload = pullRequestPayload("opened", pull);
    const options =
      signature === "other-secret" ? { secret: "other-secret" } : { secret: SECRET, signature: signature as string | null };
    const delivery = await deliverWebhook(webhookUrl(), "pull_request", payload, options);
    expect(delivery.status).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 500));
    const jobs = await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
    expect(jobs.filter((job) => job.data.pullNumber === pull.number)).toHaveLength(0);
    expect(reviewsOf(pull)).toHaveLength(0);
  });
});

describe("/codex review command", () => {
  it("reviews on a write user's command and reacts with eyes", async () => {
    const pull = newPull();
    github.setPermission(OWNER, REPO, "maintainer-mia", "write");
    const comment = github.addIssueComment(OWNER, REPO, pull.number, { body: "/codex review", user: "maintainer-mia" });
    const delivery = await deliverWebhook(
      webhookUrl(),
      "issue_comment",
      prCommentPayload(pull, { id: comment.id, body: comment.body, login: "maintainer-mia" }),
      { secret: SECRET },
    );
    expect(delivery.status).toBeLessThan(300);
    const [review] = await waitForReviews(github, pull);
    expect(review!.comments).toHaveLength(1);
    const reactions = github.requests.filter((request) => request.path === `/repos/${OWNER}/${REPO}/issues/comments/${comment.id}/reactions`);
    expect(reactions.map((request) => (request.body as { content: string }).content)).toContain("eyes");
  });

  it("refuses a read-only user once, politely, and posts no review", async () => {
    const pull = newPull();
    github.setPermission(OWNER, REPO, "reader-rob", "read");
    const comment = github.addIssueComment(OWNER, REPO, pull.number, { body: "/CODEX review please", user: "reader-rob" });
    const payload = prCommentPayload(pull, { id: comment.id, body: comment.body, login: "reader-rob" });
    await deliverWebhook(webhookUrl(), "issue_comment", payload, { secret: SECRET });
    await deliverWebhook(webhookUrl(), "issue_comment", payload, { secret: SECRET });
    const replies = await waitFor(() => {
      const found = github.issueComments(OWNER, REPO, pull.number).filter((c) => c.body.includes("write access"));
      return found.length ? found : undefined;
    }, 20_000, "the refusal");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(github.issueComments(OWNER, REPO, pull.number).filter((c) => c.body.includes("write access"))).toHaveLength(replies.length);
    expect(replies).toHaveLength(1);
    expect(reviewsOf(pull)).toHaveLength(0);
  });

  it("ignores commands from bots and comments that are not commands", async () => {
    const pull = newPull();
    await deliverWebhook(webhookUrl(), "issue_comment", prCommentPayload(pull, { id: 900_001, body: "/codex review", login: "ci[bot]", type: "Bot" }), { secret: SECRET });
    await deliverWebhook(webhookUrl(), "issue_comment", prCommentPayload(pull, { id: 900_002, body: "looks good, but /codex review later", login: "dev" }), { secret: SECRET });
    await new Promise((r) => setTimeout(r, 1_000));
    const jobs = await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
    expect(jobs.filter((job) => job.data.pullNumber === pull.number)).toHaveLength(0);
  });
});
