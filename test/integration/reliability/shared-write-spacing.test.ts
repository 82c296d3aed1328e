import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply } from "../../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterServices, startWebProcess, startWorkerProcess, type ClusterServices } from "../../support/app-cluster.js";
import type { AppProcess } from "../../support/app-process.js";
import { expectCleanFakes } from "../../support/expect-clean-fakes.js";
import { waitForReviews } from "../../support/review-waits.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { pullRequestPayload } from "../../support/webhook-payloads.js";

/*
 * GitHub paces content-creating requests per installation, whichever process sends them. Worker
 * processes on one Redis share Octokit's write and notification limiters through it (Probot's
 * redisConfig), so two workers reviewing PRs of one installation post their reviews at least the
 * notification spacing (3 s) apart, not each at its own pace.
 */

const OWNER = "octo-org";
const REPO = "write-spacing";
const PULLS = 4;
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
const processes: AppProcess[] = [];
const arrivals = new WeakMap<object, number>();

beforeAll(async () => {
  github = await startGithubFake();
  const push = github.requests.push.bind(github.requests);
  github.requests.push = (...items) => {
    for (const item of items) arrivals.set(item, performance.now());
    return push(...items);
  };
  model = await startAimlApiFake({ handler: ({ body }) => completedReply({ summary: "Looks fine.", comments: [] }, { request: body }) });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `spacing-${randomUUID().slice(0, 8)}` });
  processes.push(await startWebProcess(services));
  // Two reviews at a time each, so both take some of the four. Each worker resolves the App's slug with GET /app at start, before its first review.
  processes.push(...(await Promise.all([0, 1].map(() => startWorkerProcess(services, { WORKER_CONCURRENCY: "2", LOG_LEVEL: "info" })))));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await github?.close();
  await model?.close();
});

describe("write spacing across worker processes", () => {
  it("spaces one installation's reviews by the notification limit, though two workers post them", { timeout: 120_000 }, async () => {
    const pulls = Array.from({ length: PULLS }, (_, i) => addPull(github, { owner: OWNER, repo: REPO, number: i + 1, diff }));
    const webhookUrl = `${processes[0]!.url}/api/github/webhooks`;
    await Promise.all(pulls.map((pull) => deliverWebhook(webhookUrl, "pull_request", pullRequestPayload("opened", pull), { secret: services.secret })));
    for (const pull of pulls) await waitForReviews(github, pull, 1, 60_000);

    const posts = github.requests.filter((request) => request.method === "POST" && /\/pulls\/\d+\/reviews$/.test(request.path));
    expect(posts).toHaveLength(PULLS);
    // Both workers took reviews: otherwise one process's own limiter would space them anyway.
    const posted = (worker: AppProcess) => worker.logs().filter((line) => line.msg === "Review job finished" && (line.outcome as { status?: string })?.status === "posted").length;
    expect(processes.slice(1).map(posted).every((count) => count > 0)).toBe(true);
    const times = posts.map((request) => arrivals.get(request)!).sort((a, b) => a - b);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    // Octokit's notification group: 3 s; a little less at the fake for the requests' own jitter.
    expect(Math.min(...gaps)).toBeGreaterThan(2_500);
    expectCleanFakes({ github, model });
  });
});
