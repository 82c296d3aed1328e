import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake, type FakeReply } from "../../fakes/aimlapi-fake.js";
import { completedReply, errorReply, incompleteReply, rawReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterEnv, clusterServices, logLines, sleep, type ClusterServices } from "../../support/app-cluster.js";
import { startAppProcess, waitFor, type AppProcess } from "../../support/app-process.js";
import { waitForCompletedCheckRun } from "../../support/review-waits.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";

/*
 * Model API faults against the real app process: each PR's title names the fault the fake model
 * answers with, first call only (or always, for the chunk that keeps failing and for the bad key).
 */

const OWNER = "octo-org";
const REPO = "model-faults";
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/diffs/${name}`, import.meta.url), "utf8");
const oneFileDiff = fixture("multi-hunk.diff");
// With REVIEW_CHUNK_TOKENS=400 this is three chunks: parse.js | README.md | lib/constants.js + package.json.
const threeChunkDiff = fixture("multi-hunk.diff") + fixture("release-picomatch-4.0.2-4.0.3.diff");
const MODEL_TIMEOUT_MS = 1_500;
const MAX_ATTEMPTS = 3;
const OK = { summary: "Nothing wrong.", comments: [] };

/** What the fake model answers for a PR, by call index (0 = first call for that PR). */
type Script = (call: number, input: string) => FakeReply;
const scripts = new Map<string, Script>();
const callTimes = new Map<string, number[]>();

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let app: AppProcess;
let queue: Queue;
let nextPull = 1;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: ({ body }) => {
      const input = String(body.input);
      const title = [...scripts.keys()].find((candidate) => input.includes(`title: ${candidate}\n`));
      if (!title) return completedReply(OK, { request: body });
      const times = callTimes.get(title) ?? [];
      times.push(Date.now());
      callTimes.set(title, times);
      const reply = scripts.get(title)!(times.length - 1, input);
      return reply.status === 200 && !reply.raw && (reply.body as { object?: string }).object === "response"
        ? { ...reply, body: { ...(reply.body as object), model: body.model } }
        : reply;
    },
  });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `model-faults-${randomUUID().slice(0, 8)}` });
  queue = new Queue(services.queueName, { connection: { url: services.redisUrl } });
  app = await startAppProcess(
    "src/main.ts",
    clusterEnv(services, {
      MODEL_TIMEOUT_MS: String(MODEL_TIMEOUT_MS),
      MODEL_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      REVIEW_CHUNK_TOKENS: "400",
      REVIEW_CHUNK_CONCURRENCY: "1",
      LOG_LEVEL: "info",
    }),
  );
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  expect(model.invalidRequests).toEqual([]);
  expect(model.invalidReplies).toEqual([]);
  expect(model.unexpected).toEqual([]);
});

afterAll(async () => {
  await app?.stop();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await github?.close();
  await model?.close();
});

async function reviewWith(script: Script, diff = oneFileDiff): Promise<{ pull: PullTarget; title: string }> {
  const title = `Fault ${randomUUID().slice(0, 8)}`;
  scripts.set(title, script);
  const pull = addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff, title });
  const delivery = await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret });
  expect(delivery.status).toBeLessThan(300);
  return { pull, title };
}

const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);
const waitForReview = (pull: PullTarget) =>
  waitFor(() => (reviewsOf(pull).length ? reviewsOf(pull) : undefined), 25_000, `a review on #${pull.number}`);
const callsOf = (title: string) => callTimes.get(title) ?? [];
const onceThen = (first: FakeReply): Script => (call, _input) => (call === 0 ? first : completedReply(OK));

describe("transient model faults are retried and the review posts", () => {
  it("429 with Retry-After: waits what the API asked, then succeeds", async () => {
    const { pull, title } = await reviewWith(onceThen(errorReply(429, "Rate limit reached for requests", { retryAfter: 2 })));
    const [review] = await waitForReview(pull);
    expect(review!.body).toContain("No issues found");
    const [first, second] = callsOf(title);
    expect(callsOf(title)).toHaveLength(2);
    expect(second! - first!).toBeGreaterThanOrEqual(1_900);
  });

  it.each([500, 502, 503])("%i: retried with backoff, then succeeds", async (status) => {
    const { pull, title } = await reviewWith(onceThen(errorReply(status, "upstream failure")));
    await waitForReview(pull);
    expect(callsOf(title)).toHaveLength(2);
  });

  it("a reply slower than MODEL_TIMEOUT_MS: abandoned, retried, succeeds", async () => {
    const { pull, title } = await reviewWith(onceThen(completedReply(OK, { delayMs: MODEL_TIMEOUT_MS + 1_500 })));
    await waitForReview(pull);
    expect(callsOf(title)).toHaveLength(2);
  });

  it.each([
    ["a truncated JSON body", rawReply(200, '{"id":"resp_1","object":"response","status":"compl')],
    ["an HTML gateway page", rawReply(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")],
    ["output that is not JSON", completedReply("Sure! Here is my review: looks good")],
    ["status: incomplete (cut by the content filter)", incompleteReply("", { reason: "content_filter" })],
  ])("%s: retried, succeeds", async (_name, first) => {
    const { pull, title } = await reviewWith(onceThen(first));
    await waitForReview(pull);
    expect(callsOf(title)).toHaveLength(2);
  });
});

describe("output cut off at max_output_tokens is never sent again unchanged", () => {
  /** The PR's model requests, in order, as sent. */
  const requestsOf = (title: string) =>
    model.requests.filter((r) => r.rawBody.includes(`title: ${title}\\n`)).map((r) => ({ raw: r.rawBody, body: r.body as { input: string; max_output_tokens: number } }));

  it("the second call raises the cap, and the review posts", async () => {
    const { pull, title } = await reviewWith(onceThen(incompleteReply('{"summary": "The change spl')));
    await waitForReview(pull);
    expect(requestsOf(title).map((r) => r.body.max_output_tokens)).toEqual([16_000, 32_000]);
  });

  it("a chunk cut off even at the raised cap is reviewed in halves; no request is sent twice; the cost counts every call", async () => {
    const billed = { inputTokens: 1_000, outputTokens: 500, usdSpent: 0.01 };
    const wholeReadme = (input: string) => input.includes("FILE: README.md") && !input.includes("(part ");
    const { pull, title } = await reviewWith(
      (_call, input) => (wholeReadme(input) ? incompleteReply('{"summary": "The README', billed) : completedReply(OK, billed)),
      threeChunkDiff,
    );
    const [review] = await waitForReview(pull);
    const sent = requestsOf(title);
    // parse.js, README.md at 16k then 32k, its two halves at 32k, lib/constants.js + package.json.
    expect(sent).toHaveLength(6);
    expect(new Set(sent.map((r) => r.raw)).size).toBe(6);
    const readme = sent.filter((r) => r.body.input.includes("FILE: README.md"));
    expect(readme.map((r) => [wholeReadme(r.body.input), r.body.max_output_tokens])).toEqual([
      [true, 16_000],
      [true, 32_000],
      [false, 32_000],
      [false, 32_000],
    ]);
    expect(review!.body).not.toMatch(/Not reviewed/);
    // Six calls billed, the two cut-off ones included.
    expect(review!.body).toContain("6,000 tokens in / 3,000 out · $0.06");
    const check = await waitForCompletedCheckRun(github, pull);
    expect(check.output.summary).toContain("Tokens: 6000 in / 3000 out ($0.0600)");
  });

  it("a PR whose only chunk is cut off however it is sent fails at once, four calls in all, and says what they cost", async () => {
    const { pull, title } = await reviewWith(() => incompleteReply('{"summary": "The change spl', { inputTokens: 1_000, outputTokens: 500, usdSpent: 0.01 }));
    const job = await waitFor(async () => (await queue.getJobs(["failed"])).find((j) => j.data.pullNumber === pull.number), 20_000, "the failed job");
    // A retry of the job would send the same four calls again.
    expect(job.attemptsMade).toBe(1);
    await sleep(1_000);
    const sent = requestsOf(title);
    expect(sent.map((r) => r.body.max_output_tokens)).toEqual([16_000, 32_000, 32_000, 32_000]);
    expect(new Set(sent.map((r) => r.raw)).size).toBe(4);
    expect(reviewsOf(pull)).toHaveLength(0);
    const check = await waitForCompletedCheckRun(github, pull);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("model usage 4000 tokens in / 2000 out, $0.0400");
  });
});

describe("a chunk that keeps failing", () => {
  it("does not sink the others: the review posts and names what was not reviewed", async () => {
    const { pull, title } = await reviewWith(
      (_call, input) => (input.includes("FILE: README.md") ? errorReply(503, "Service unavailable") : completedReply(OK)),
      threeChunkDiff,
    );
    const [review] = await waitForReview(pull);
    expect(review!.body).toMatch(/Not reviewed/);
    expect(review!.body).toMatch(/`README\.md`: the model call failed/);
    expect(review!.body).not.toMatch(/`parse\.js`: the model call failed/);
    const calls = model.requests.filter((r) => r.rawBody.includes(`title: ${title}\\n`));
    const readmeCalls = calls.filter((r) => r.rawBody.includes("FILE: README.md"));
    expect(readmeCalls).toHaveLength(MAX_ATTEMPTS);
    expect(calls.length - readmeCalls.length).toBe(2);
  });
});

describe("a rejected key (401)", () => {
  it("fails the job at once: no retry, one clear log line for the operator", async () => {
    const { pull, title } = await reviewWith(() => errorReply(401, "Unauthorized: invalid or missing API key"));
    const job = await waitFor(async () => (await queue.getJobs(["failed"])).find((j) => j.data.pullNumber === pull.number), 20_000, "the failed job");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/401/);
    await sleep(1_000);
    expect(callsOf(title)).toHaveLength(1);
    expect(reviewsOf(pull)).toHaveLength(0);
    const operatorLines = app.logs().filter((line) => typeof line.msg === "string" && line.msg.includes("check AIMLAPI_KEY") && line.pr === pull.number);
    expect(operatorLines).toHaveLength(1);
    expect(operatorLines[0]!.level).toBe(50);
    expect(logLines(app, "Model call failed; retrying").filter((line) => String(JSON.stringify(line)).includes(title))).toHaveLength(0);
  });
});
