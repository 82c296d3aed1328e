import { readFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseUnifiedDiff } from "../../src/diff/parse-unified-diff.js";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { generateAppPrivateKey, startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

const SECRET = "integration-webhook-secret";
const OWNER = "octo-org";
const REPO = "hello-world";
const diffText = readFileSync(new URL("../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");

// What the fake model says about the diff: one finding on a real added line, one on a line outside the diff.
const [firstFile] = parseUnifiedDiff(diffText);
const addedLine = firstFile!.hunks[0]!.lines.find((line) => line.kind === "add")!;
const modelOutput = {
  summary: "Splits input on CRLF too.",
  comments: [
    {
      path: firstFile!.path,
      line: addedLine.newLine!,
      side: "RIGHT",
      start_line: null,
      severity: "P1",
      title: "Regex split allocates on every call",
      body: "Hoist the regular expression to a constant.",
      suggestion: null,
      quote: addedLine.content.trim(),
    },
    {
      path: firstFile!.path,
      line: 9_999,
      side: "RIGHT",
      start_line: null,
      severity: "P2",
      title: "Consider documenting the parser limits",
      body: "The module has no notes on input size.",
      suggestion: null,
      quote: null,
    },
  ],
};

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let queue: Queue;
let nextPull = 1;
const queueName = `it-${randomUUID().slice(0, 8)}`;

function newPull(overrides: { draft?: boolean; state?: "open" | "closed" } = {}): PullTarget {
  const number = nextPull++;
  const headSha = randomBytes(20).toString("hex");
  github.addPullRequest({ owner: OWNER, repo: REPO, number, diff: diffText, title: `Change ${number}`, headSha, ...overrides });
  return { owner: OWNER, repo: REPO, number, headSha, installationId: github.state.installationId };
}

const webhookUrl = () => `${app.url}/api/github/webhooks`;
const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: () => completedReply(modelOutput) });
  const redisUrl = inject("redisUrl");
  queue = new Queue(queueName, { connection: { url: redisUrl } });
  app = await startAppProcess("src/main.ts", {
    APP_ID: String(github.state.appId),
    PRIVATE_KEY: generateAppPrivateKey(),
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    REDIS_URL: redisUrl,
    QUEUE_NAME: queueName,
    AIMLAPI_KEY: model.apiKey,
    AIMLAPI_BASE_URL: model.url,
  });
});

afterAll(async () => {
  await app?.stop();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await github?.close();
  await model?.close();
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  expect(model.invalidRequests).toEqual([]);
  expect(model.invalidReplies).toEqual([]);
  expect(model.unexpected).toEqual([]);
});

describe("automatic review", () => {
  it("posts one review with the anchored comment and the off-diff finding in the body", async () => {
    const pull = newPull();
    const requestsBefore = github.requests.length;
    const delivery = await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
    expect(delivery.status).toBeLessThan(300);

    const [review] = await waitFor(() => (reviewsOf(pull).length ? reviewsOf(pull) : undefined), 20_000, "the review");
    expect(review!.commit_id).toBe(pull.headSha);
    expect(review!.state).toBe("COMMENTED");
    expect(review!.comments).toHaveLength(1);
    expect(review!.comments[0]).toMatchObject({ path: firstFile!.path, line: addedLine.newLine, side: "RIGHT" });
    expect(review!.comments[0]!.body).toContain("P1");
    expect(review!.body).toContain("Consider documenting the parser limits");
    expect(review!.body).toContain(`<!-- codex-review:v1 head=${pull.headSha}`);

    // Few API calls per review: one GraphQL read, the diff, a head re-check, the review, and the check run's two.
    await waitFor(() => github.checkRuns(OWNER, REPO).find((run) => run.head_sha === pull.headSha && run.status === "completed"), 10_000, "check");
    const calls = github.requests.slice(requestsBefore).filter((request) => !request.path.startsWith("/app/"));
    expect(calls.map((request) => `${request.method} ${request.path.replace(/\d+/g, ":n")}`)).toEqual([
      "POST /api/graphql",
      "POST /repos/octo-org/hello-world/check-runs",
      "GET /repos/octo-org/hello-world/pulls/:n",
      "GET /repos/octo-org/hello-world/pulls/:n",
      "POST /repos/octo-org/hello-world/pulls/:n/reviews",
      "PATCH /repos/octo-org/hello-world/check-runs/:n",
    ]);

    const modelCalls = model.requests.filter((request) => request.path === "/v1/responses");
    expect(modelCalls.length).toBeGreaterThan(0);
    expect(modelCalls[0]!.body).toMatchObject({ model: "openai/gpt-5-1-codex", text: { format: { type: "json_schema" } } });
  });

  it("posts one review per head SHA when the same webhook arrives twice", async () => {
    const pull = newPull();
    const payload = pullRequestPayload("synchronize", pull);
    const deliveryId = randomUUID();
    const first = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET, deliveryId });
    const again = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET, deliveryId });
    const redelivered = await deliverWebhook(webhookUrl(), "pull_request", payload, { secret: SECRET });
    expect([first.status, again.status, redelivered.status].every((status) => status < 300)).toBe(true);

    await waitFor(() => (reviewsOf(pull).length ? true : undefined), 20_000, "the review");
    // Give a duplicate job time to post if one had been queued.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reviewsOf(pull)).toHaveLength(1);
  });

  it("skips closed pull requests, and drafts with a skipped check run that says why", async () => {
    const draft = newPull({ draft: true });
    const closed = newPull({ state: "closed" });
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", draft, { draft: true }), { secret: SECRET });
    await deliverWebhook(webhookUrl(), "pull_request", pullRequestPayload("opened", closed, { state: "closed" }), { secret: SECRET });
    const check = await waitFor(
      () => github.checkRuns(OWNER, REPO).find((run) => run.head_sha === draft.headSha && run.status === "completed"),
      20_000,
      "the draft's check run",
    );
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
    const [review] = await waitFor(() => (reviewsOf(pull).length ? reviewsOf(pull) : undefined), 20_000, "the review");
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
