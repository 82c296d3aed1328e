import { randomUUID } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { createDeliveryIngest, type DeliveryIngest } from "../../../src/queue/ingest-delivery.js";
import { createLatestPushes, type LatestPushes } from "../../../src/queue/latest-pushed-head.js";
import type { ReviewJobData } from "../../../src/queue/review-job.js";
import { createReviewQueue, type ReviewQueue } from "../../../src/queue/review-queue.js";
import { recheckHead } from "../../../src/worker/recheck-head.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { newFileDiff } from "../../support/new-file-diff.js";

const log = pino({ level: "silent" });
const OWNER = "octo-org";
const REPO = "recheck";
const OWN_LOGIN = "codex-review[bot]";
const sha = (char: string) => char.repeat(40);

let redis: Redis;
let queue: ReviewQueue;
let ingest: DeliveryIngest;
let pushes: LatestPushes;
let namespace: string;
let fake: GithubFake;
let github: GithubClient;
let nextPull = 1;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  namespace = `recheck-${randomUUID().slice(0, 8)}`;
  queue = createReviewQueue(namespace, redis);
  await queue.waitUntilReady();
  ingest = createDeliveryIngest(queue, redis, { namespace });
  pushes = createLatestPushes(redis, namespace);
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  const keys = await redis.keys(`codex-review:${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  await queue.close();
  await redis.quit();
});
beforeEach(async () => {
  fake = await startGithubFake();
  github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
});
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function openPull(headSha: string) {
  const number = nextPull++;
  fake.addPullRequest({ owner: OWNER, repo: REPO, number, diff: newFileDiff("src/a.ts", 3), headSha });
  return { owner: OWNER, repo: REPO, pullNumber: number };
}

const job = (pullNumber: number, headSha: string, trigger: "opened" | "synchronize" | "command" = "synchronize"): ReviewJobData => ({
  kind: "review",
  installationId: 1,
  owner: OWNER,
  repo: REPO,
  pullNumber,
  headSha: trigger === "command" ? null : headSha,
  trigger,
  mode: trigger === "opened" ? "full" : "incremental",
  commentId: trigger === "command" ? 7 : null,
  requestedBy: trigger === "command" ? "mia" : null,
  deliveryId: randomUUID(),
});

const graphqlReads = () => fake.requests.filter((request) => request.path.endsWith("/graphql")).length;
const known = (headSha: string) => ({ headSha, ownReviews: [] });

describe("recheckHead", () => {
  it("asks Redis, not GitHub, on a first run when no later push was delivered (also for another event on the same head)", async () => {
    const ref = openPull(sha("a"));
    const opened = job(ref.pullNumber, sha("a"), "opened");
    await ingest.ingest({ job: opened });
    await ingest.ingest({ job: job(ref.pullNumber, sha("a"), "synchronize") });
    expect(await pushes.newerHead(opened)).toBeNull();
    const result = await recheckHead(github, ref, OWN_LOGIN, opened, known(sha("a")), { firstAttempt: true, latestPushes: pushes, log });
    expect(result.movedTo).toBeNull();
    expect(graphqlReads()).toBe(0);
  });

  it("asks GitHub when Redis saw a later push, and reports the head GitHub shows", async () => {
    const ref = openPull(sha("a"));
    const first = job(ref.pullNumber, sha("a"));
    await ingest.ingest({ job: first });
    fake.pushToPullRequest(OWNER, REPO, ref.pullNumber, { headSha: sha("b"), diff: newFileDiff("src/a.ts", 4) });
    await ingest.ingest({ job: job(ref.pullNumber, sha("b")) });
    expect(await pushes.newerHead(first)).toBe(sha("b"));
    const result = await recheckHead(github, ref, OWN_LOGIN, first, known(sha("a")), { firstAttempt: true, latestPushes: pushes, headLagWaitsMs: [], log });
    expect(result.movedTo).toBe(sha("b"));
    expect(graphqlReads()).toBe(1);
  });

  it("posts when Redis's later push is not GitHub's head (deliveries out of order)", async () => {
    const ref = openPull(sha("b"));
    const newest = job(ref.pullNumber, sha("b"));
    await ingest.ingest({ job: newest });
    // The older head's delivery arrives last: Redis names a head that is not the PR's.
    await ingest.ingest({ job: job(ref.pullNumber, sha("a")) });
    const result = await recheckHead(github, ref, OWN_LOGIN, newest, known(sha("b")), { firstAttempt: true, latestPushes: pushes, headLagWaitsMs: [], log });
    expect(result.movedTo).toBeNull();
    expect(graphqlReads()).toBe(1);
  });

  it("asks GitHub on retries, for commands, and when Redis fails", async () => {
    const ref = openPull(sha("c"));
    const automatic = job(ref.pullNumber, sha("c"));
    await ingest.ingest({ job: automatic });
    const command = job(ref.pullNumber, sha("c"), "command");
    expect(await pushes.newerHead(command)).toBe("untracked");
    const broken: LatestPushes = { newerHead: () => Promise.reject(new Error("connection lost")) };
    await recheckHead(github, ref, OWN_LOGIN, automatic, known(sha("c")), { firstAttempt: false, latestPushes: pushes, log });
    await recheckHead(github, ref, OWN_LOGIN, command, known(sha("c")), { firstAttempt: true, latestPushes: pushes, log });
    await recheckHead(github, ref, OWN_LOGIN, automatic, known(sha("c")), { firstAttempt: true, latestPushes: broken, log });
    expect(graphqlReads()).toBe(3);
  });
});
