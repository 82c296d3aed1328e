import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { githubFaults, LINE_NOT_IN_DIFF, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterEnv, clusterServices, sleep, type ClusterServices } from "../../support/app-cluster.js";
import { startAppProcess, waitFor, type AppProcess } from "../../support/app-process.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../../support/webhook-payloads.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";
import { settledCheckRuns } from "../../support/review-waits.js";

/*
 * GitHub API faults around the one write that matters, creating the review: 5xx before and after
 * GitHub stored it, secondary rate limits, and a 422 on a line comment. Always exactly one review.
 */

const OWNER = "octo-org";
const REPO = "github-faults";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const [file] = parseUnifiedDiff(diff);
const added = file!.hunks[0]!.lines.find((line) => line.kind === "add")!;
const FINDING_TITLE = "Regex split allocates on every call";
const modelOutput = {
  summary: "Splits input on CRLF too.",
  comments: [
    {
      path: file!.path,
      line: added.newLine!,
      side: "RIGHT",
      start_line: null,
      severity: "P1",
      title: FINDING_TITLE,
      body: "Hoist the regular expression to a constant.",
      suggestion: null,
      quote: added.content.trim(),
    },
  ],
};
const REVIEW_ROUTE = "POST /repos/:owner/:repo/pulls/:number/reviews";

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let app: AppProcess;
let nextPull = 1;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: ({ body }) => completedReply(modelOutput, { request: body }) });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `github-faults-${randomUUID().slice(0, 8)}` });
  app = await startAppProcess("src/main.ts", clusterEnv(services, { LOG_LEVEL: "info" }));
});

afterEach(() => {
  expectCleanFakes({ github, model });
});

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
});

async function openPull(): Promise<PullTarget> {
  const pull = addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff });
  const delivery = await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret });
  expect(delivery.status).toBeLessThan(300);
  return pull;
}

const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);
const reviewPosts = (pull: PullTarget) =>
  github.requests.filter((r) => r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/pulls/${pull.number}/reviews`);
async function settledReviews(pull: PullTarget) {
  await waitFor(() => (reviewsOf(pull).length ? true : undefined), 25_000, `a review on #${pull.number}`);
  // Room for a duplicate to appear, had one been on its way.
  await sleep(1_500);
  return reviewsOf(pull);
}

describe("creating the review", () => {
  it("retries 5xx answers to the review POST (GitHub stored nothing) and posts once", async () => {
    github.failNext(REVIEW_ROUTE, githubFaults.serverError(502, 2));
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    expect(reviewPosts(pull).map((r) => r.status)).toEqual([502, 502, 200]);
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });

  it("does not post twice when GitHub stored the review but answered 502: it finds its marker instead", async () => {
    github.failNext(REVIEW_ROUTE, { status: 502, afterRoute: true, body: { message: "Server Error" } });
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    expect(reviewPosts(pull)).toHaveLength(1);
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });

  it("waits out a secondary rate limit (403 + Retry-After) and posts once", async () => {
    github.failNext(REVIEW_ROUTE, githubFaults.secondaryRateLimit(1));
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    const [limited, posted] = reviewPosts(pull);
    expect([limited?.status, posted?.status]).toEqual([403, 200]);
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });

  it("after a 422 on its line comments, posts once more with every finding in the body", async () => {
    github.failNext(REVIEW_ROUTE, {
      status: 422,
      body: { message: "Unprocessable Entity", errors: [LINE_NOT_IN_DIFF], documentation_url: "https://docs.github.com/rest", status: "422" },
    });
    const pull = await openPull();
    const [review] = await settledReviews(pull);
    const posts = reviewPosts(pull);
    expect(posts.map((r) => r.status)).toEqual([422, 200]);
    expect((posts[0]!.body as { comments: unknown[] }).comments).toHaveLength(1);
    expect((posts[1]!.body as { comments: unknown[] }).comments).toEqual([]);
    expect(review!.comments).toHaveLength(0);
    expect(review!.body).toContain(FINDING_TITLE);
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });
});

describe("completing the check run", () => {
  it("completes it with the review's verdict on the job's retry when every PATCH after posting failed", async () => {
    // The first PATCH and Octokit's three retries of it all fail: the job fails after the review is up.
    github.failNext("PATCH /repos/:owner/:repo/check-runs/:id", githubFaults.serverError(502, 4));
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    // The retry finds the review's marker, posts nothing, and completes the open run: neutral (a P1 finding).
    expect(await settledCheckRuns(github, pull, 60_000)).toEqual([["completed", "neutral"]]);
    expect(reviewPosts(pull)).toHaveLength(1);
  }, 90_000);
});

describe("creating the check run", () => {
  it("calls the model only once the check run exists: a create that keeps failing fails the attempt before any model call, and the retry reviews once", async () => {
    // The check run is created while the diff and the repository are read; the model waits for it.
    const arrivals = new WeakMap<object, number>();
    for (const log of [github.requests, model.requests] as object[][]) {
      const push = log.push.bind(log);
      log.push = (...items: object[]) => {
        for (const item of items) arrivals.set(item, performance.now());
        return push(...items);
      };
    }
    // The create and Octokit's three retries of it fail: the first attempt fails.
    github.failNext("POST /repos/:owner/:repo/check-runs", githubFaults.serverError(502, 4));
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    expect(await settledCheckRuns(github, pull, 60_000)).toEqual([["completed", "neutral"]]);
    const creates = github.requests.filter((r) => r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/check-runs` && (r.body as { head_sha?: string }).head_sha === pull.headSha);
    expect(creates.map((r) => r.status)).toEqual([502, 502, 502, 502, 201]);
    // The prompt names the PR as `repo="o/r" number="n"` (JSON-escaped in the raw body).
    const marker = `repo="${OWNER}/${REPO}" number="${pull.number}"`;
    const modelCalls = model.requests.filter((r) => r.rawBody.includes(marker.replaceAll('"', '\\"')));
    expect(modelCalls.length).toBeGreaterThan(0);
    const created = arrivals.get(creates.at(-1)!)!;
    expect(modelCalls.every((call) => arrivals.get(call)! > created)).toBe(true);
    expect(reviewPosts(pull)).toHaveLength(1);
  }, 90_000);
});

describe("reading from GitHub", () => {
  it("retries a 5xx on a read within the job (Octokit's retry plugin) and reviews", async () => {
    const before = github.requests.length;
    // The worker's first read: the review context (PR, earlier reviews, repo config) in one GraphQL query.
    github.failNext("POST /api/graphql", githubFaults.serverError(502, 1));
    const pull = await openPull();
    expect(await settledReviews(pull)).toHaveLength(1);
    const reads = github.requests.slice(before).filter((r) => r.path === "/api/graphql");
    expect(reads.map((r) => r.status).slice(0, 2)).toEqual([502, 200]);
    // No job-level failure on the way: one check run, and it did not fail.
    const runs = github.checkRuns(OWNER, REPO).filter((run) => run.head_sha === pull.headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).not.toBe("failure");
  });
});
