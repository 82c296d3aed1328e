import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply, errorReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { addPull } from "../support/add-pull.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { multiHunkDiff, multiHunkModelOutput } from "../support/multi-hunk-review.js";
import { waitForCompletedCheckRun, waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";
import { renderReviewMarker } from "../../src/review/review-marker.js";

/*
 * An App registered under another name than `codex-review`, started WITHOUT APP_SLUG: it learns its slug
 * from GET /app, answers `@acme-reviewer`, and counts only its own bot's reviews as its own.
 */

const OWNER = "octo-org";
const REPO = "identity";
const SLUG = "acme-reviewer";

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let queue: Queue;
let nextPull = 1;
const queueName = `identity-${randomUUID().slice(0, 8)}`;

const newPull = (): PullTarget => addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff });
const deliver = (event: string, payload: unknown, deliveryId?: string) =>
  deliverWebhook(`${app.url}/api/github/webhooks`, event, payload, { secret: SECRET, ...(deliveryId ? { deliveryId } : {}) });
const reviewsOf = (pull: PullTarget) => github.reviews(OWNER, REPO, pull.number);
const finishedOutcomes = () =>
  app.logs().filter((line) => line.msg === "Review job finished").map((line) => ({ pr: line.pr, outcome: line.outcome as { status: string } }));
/** The worker's error lines of failed attempts (a fatal model error has its own message). */
const failures = (pull: PullTarget) => app.logs().filter((line) => "final" in line && line.pr === pull.number);
const settle = () => new Promise((r) => setTimeout(r, 1_500));

async function command(pull: PullTarget, body: string) {
  const comment = github.addIssueComment(OWNER, REPO, pull.number, { body, user: "maintainer-mia" });
  await deliver("issue_comment", prCommentPayload(pull, { id: comment.id, body, login: "maintainer-mia" }));
  return comment;
}

beforeAll(async () => {
  github = await startGithubFake({ appSlug: SLUG });
  model = await startAimlApiFake({ handler: () => completedReply(multiHunkModelOutput) });
  github.setPermission(OWNER, REPO, "maintainer-mia", "write");
  const redisUrl = inject("redisUrl");
  queue = new Queue(queueName, { connection: { url: redisUrl } });
  const env = appEnv({ github, model }, redisUrl, queueName);
  expect(env.APP_SLUG).toBeUndefined();
  app = await startAppProcess("src/main.ts", env);
});

afterAll(async () => {
  await app?.stop();
  await dropQueue(queue);
  await github?.close();
  await model?.close();
});

afterEach(() => {
  expectCleanFakes({ github, model });
  model.setHandler(() => completedReply(multiHunkModelOutput));
});

describe("an App registered as acme-reviewer, without APP_SLUG", () => {
  it("asks GitHub for its slug at start, with the App's JWT", () => {
    const appRequests = github.requests.filter((request) => request.method === "GET" && request.path === "/app");
    expect(appRequests.length).toBeGreaterThanOrEqual(1);
    expect(appRequests.every((request) => request.status === 200 && /^bearer /i.test(String(request.headers.authorization)))).toBe(true);
  });

  it("reviews on `@acme-reviewer review` and recognises that review as its own", async () => {
    const pull = newPull();
    const asked = await command(pull, `@${SLUG} review`);
    const [review] = await waitForReviews(github, pull, 1);
    expect(review!.user.login).toBe(`${SLUG}[bot]`);

    // An automatic event for the same head finds the App's review by author and marker: no second review.
    await deliver("pull_request", pullRequestPayload("synchronize", pull));
    await waitFor(() => (finishedOutcomes().some((line) => line.pr === pull.number && line.outcome.status === "already-posted") ? true : undefined), 20_000, "already-posted");
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(asked.id).toBeGreaterThan(0);
  });

  it("ignores another bot's review that carries a copied marker of this head", async () => {
    const pull = newPull();
    const copied = renderReviewMarker({ headSha: pull.headSha, job: "0123456789abcdef", fingerprints: [] });
    github.addReviewBy(OWNER, REPO, pull.number, { body: `Looks fine.\n\n${copied}`, user: { login: "other-reviewer[bot]", type: "Bot" } });
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const reviews = await waitForReviews(github, pull, 2);
    expect(reviews.map((review) => review.user.login)).toEqual(["other-reviewer[bot]", `${SLUG}[bot]`]);
    // The posted review's P1 finding makes the check `neutral` (a failed or skipped run would say so).
    expect((await waitForCompletedCheckRun(github, pull)).output?.title).not.toMatch(/failed|skipped/i);
  });
});

describe("reactions are best-effort", () => {
  it("posts the review and completes the job when the command comment was deleted meanwhile", async () => {
    const pull = newPull();
    let asked: { id: number } | undefined;
    model.setHandler(() => {
      // The person deletes their `review` comment while the model works: the +1 reaction meets a 404.
      if (asked && github.issueComments(OWNER, REPO, pull.number).some((comment) => comment.id === asked!.id)) {
        github.deleteIssueComment(OWNER, REPO, asked.id);
      }
      return completedReply(multiHunkModelOutput);
    });
    asked = await command(pull, "/codex review");
    await waitForReviews(github, pull, 1);
    await waitFor(() => (finishedOutcomes().some((line) => line.pr === pull.number) ? true : undefined), 20_000, "the job to finish");
    expect(finishedOutcomes().find((line) => line.pr === pull.number)!.outcome.status).toBe("posted");
    const reactions = github.requests.filter((request) => request.method === "POST" && request.path.endsWith(`/issues/comments/${asked.id}/reactions`));
    expect(reactions.map((request) => [(request.body as { content: string }).content, request.status])).toEqual([
      ["eyes", 201],
      ["+1", 404],
    ]);
    expect(failures(pull)).toEqual([]);
    await settle();
    expect(reviewsOf(pull)).toHaveLength(1);
    // One check run, completed for the posted review (its P1 finding makes it `neutral`, not `failure`).
    const runs = github.checkRuns(OWNER, REPO).filter((run) => run.head_sha === pull.headSha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "neutral"]]);
    expect(runs[0]!.output.title).not.toMatch(/failed/i);
  });
});

describe("GitHub's Redeliver", () => {
  it("runs again an event whose job failed for good, while a replay of a finished job adds nothing", async () => {
    const pull = newPull();
    const deliveryId = randomUUID();
    model.setHandler(() => errorReply(401, "Invalid API key"));
    expect((await deliver("pull_request", pullRequestPayload("opened", pull), deliveryId)).status).toBe(200);
    await waitFor(() => (failures(pull).some((line) => line.final === true) ? true : undefined), 20_000, "the job to fail for good");
    expect(reviewsOf(pull)).toHaveLength(0);

    // Redeliver sends the same event with the same X-GitHub-Delivery GUID.
    model.setHandler(() => completedReply(multiHunkModelOutput));
    expect((await deliver("pull_request", pullRequestPayload("opened", pull), deliveryId)).status).toBe(200);
    await waitForReviews(github, pull, 1);

    // The job completed: another replay of the same delivery adds nothing.
    await waitFor(() => (finishedOutcomes().some((line) => line.pr === pull.number) ? true : undefined), 20_000, "the job to finish");
    expect((await deliver("pull_request", pullRequestPayload("opened", pull), deliveryId)).status).toBe(200);
    await settle();
    expect(reviewsOf(pull)).toHaveLength(1);
    expect(finishedOutcomes().filter((line) => line.pr === pull.number)).toHaveLength(1);
  });
});
