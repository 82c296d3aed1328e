import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseSummaryData } from "../../src/review/summary-data.js";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake, type RecordedGithubRequest } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { allOf, createGitRepo, setLine, type GitRepo } from "../support/git-repo.js";
import { waitForReviews } from "../support/review-waits.js";
import { addedLinesInPrompt, isReviewCall, promptInput } from "../support/scripted-model.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * The check run judges the pull request, not the push, and the PR has one summary comment, edited in
 * place: over real git histories, an app process, the GitHub and model fakes and a real Redis.
 */

const OWNER = "octo-org";

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
const repos: GitRepo[] = [];

const deliver = (event: string, payload: unknown, deliveryId?: string) =>
  deliverWebhook(`${app.url}/api/github/webhooks`, event, payload, { secret: SECRET, ...(deliveryId ? { deliveryId } : {}) });

/** A model that flags (P1) every added line containing BUG, and summarises the chunk by its files. */
function flagBugs(input: string) {
  const added = addedLinesInPrompt(input);
  return {
    summary: `Changes ${[...new Set(added.map((line) => line.path))].join(", ")}.`,
    comments: added
      .filter((line) => line.code.includes("BUG"))
      .map((line) => ({
        path: line.path,
        line: line.line,
        side: "RIGHT",
        start_line: null,
        severity: "P1",
        title: `Unsafe ${line.code.trim().slice(0, 30)}`,
        body: "This breaks on empty input.",
        suggestion: null,
        quote: line.code.trim(),
      })),
  };
}

function historyRepo(name: string, config?: string): GitRepo {
  const git = createGitRepo({ "parse.js": realSourceFile(), "README.md": "# Project\n" });
  repos.push(git);
  github.useGitHistory(OWNER, name, git);
  if (config) github.setFile(OWNER, name, ".github/codex-review.yml", config);
  return git;
}

let nextPull = 1;
function openPull(repo: string, git: GitRepo): PullTarget {
  const number = nextPull++;
  github.addPullRequest({ owner: OWNER, repo, number, branches: { base: "main", head: "feature" }, title: `Change ${number}` });
  return { owner: OWNER, repo, number, headSha: git.sha("feature"), installationId: github.state.installationId };
}

async function push(pull: PullTarget, git: GitRepo, deliveryId?: string): Promise<PullTarget> {
  const pushed = { ...pull, headSha: git.sha("feature") };
  const payload = pullRequestPayload("synchronize", pushed);
  await deliver("pull_request", payload, deliveryId).catch(() => deliver("pull_request", payload, deliveryId));
  return pushed;
}

const completedCheck = (pull: PullTarget) =>
  waitFor(() => github.checkRuns(OWNER, pull.repo).find((run) => run.head_sha === pull.headSha && run.status === "completed"), 30_000, `the check run of ${pull.headSha}`);

const jobRequests = (from: number): RecordedGithubRequest[] => github.requests.slice(from).filter((request) => !request.path.startsWith("/app/"));
const summaryWrites = (pull: PullTarget, from = 0) =>
  jobRequests(from).filter(
    (request) =>
      (request.method === "POST" && request.path === `/repos/${OWNER}/${pull.repo}/issues/${pull.number}/comments`) ||
      // Each test has its own repository, so a comment edit in it is an edit of this PR's comments.
      (request.method === "PATCH" && request.path.startsWith(`/repos/${OWNER}/${pull.repo}/issues/comments/`)),
  );
const summaryComments = (pull: PullTarget) => github.issueComments(OWNER, pull.repo, pull.number).filter((comment) => comment.body.includes("Codex review summary"));

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: (call) => completedReply(isReviewCall(call) ? flagBugs(promptInput(call)) : { summary: "", comments: [] }) });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `findings-${randomUUID().slice(0, 8)}`));
  // An app process starting on a loaded 2-core machine can take longer than the default 30 s.
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

const BUG_5 = "  const lines = input.split('\\n'); // BUG";
const CLEAN_100 = "      oldLines: toNumOfLines(oldNumLines), // counts may be missing";
const CLEAN_101 = "      newStart: +newStart, // from the header";

describe("the check run judges the pull request", { timeout: 240_000 }, () => {
  it("stays neutral while a P1 from the first push is open, through a clean push and a push with nothing new; one summary comment, edited", async () => {
    const git = historyRepo("judge-pr");
    git.commit("feature", setLine("parse.js", 5, BUG_5));
    const pull = openPull("judge-pr", git);
    const firstRequests = github.requests.length;
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    expect(first!.comments.map((comment) => comment.line)).toEqual([5]);
    const check1 = await completedCheck(pull);
    expect(check1.conclusion).toBe("neutral");
    expect(check1.output.title).toBe("Open on this pull request: 1 P1 · 1 new finding(s)");
    const firstReview = jobRequests(firstRequests).map((request) => `${request.method} ${request.path.replace(/\d+/g, ":n")}`);
    // The first review is the PR's summary: its body has the walkthrough and the history; no comment yet.
    expect(first!.body).toMatch(/- `parse\.js` \(\+1 −1\): Changes parse\.js\./);
    expect(parseSummaryData(first!.body).reviews.map((review) => review.sha)).toEqual([pull.headSha]);
    expect(summaryWrites(pull, firstRequests)).toEqual([]);

    // Push 2: a clean line far from the P1; the review finds nothing new, the P1 is still open.
    git.commit("feature", setLine("parse.js", 100, CLEAN_100));
    let before = github.requests.length;
    const second = await push(pull, git);
    await waitForReviews(github, pull, 2);
    const check2 = await completedCheck(second);
    expect(check2.conclusion).toBe("neutral");
    expect(check2.output.title).toBe("Open on this pull request: 1 P1 · No issues found");
    expect(check2.output.summary).toContain("`parse.js:5`");
    const secondReview = jobRequests(before);
    // The second review creates the summary comment, from the history the first review's body holds.
    await waitFor(() => summaryComments(pull)[0], 10_000, "the summary comment");

    // Push 3: "Update branch" only (nothing of the PR's own): no review, and not a green skip either.
    git.commit("main", { "docs/guide.md": "Guide\n" });
    git.merge("feature", "main");
    before = github.requests.length;
    const deliveryId = randomUUID();
    const third = await push(pull, git, deliveryId);
    const check3 = await completedCheck(third);
    expect(check3.conclusion).toBe("neutral");
    expect(check3.output.title).toBe(`Open on this pull request: 1 P1 · No new changes of this pull request since ${second.headSha.slice(0, 7)}`);
    expect(github.reviews(OWNER, "judge-pr", pull.number)).toHaveLength(2);
    await waitFor(() => (summaryWrites(pull, before).length >= 1 ? true : undefined), 10_000, "the summary edit of push 3");

    // Push 3's delivery again (GitHub's Redeliver keeps the GUID), and the same event under a new GUID.
    const beforeRedelivery = github.requests.length;
    await deliver("pull_request", pullRequestPayload("synchronize", third), deliveryId);
    await deliver("pull_request", pullRequestPayload("synchronize", third));
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const writes = summaryWrites(pull);
    expect(writes.filter((request) => request.method === "POST").map((request) => request.status)).toEqual([201]);
    expect(writes.filter((request) => request.method === "PATCH").map((request) => request.status)).toEqual([200]);
    expect(summaryWrites(pull, beforeRedelivery)).toEqual([]);
    const [summary, ...duplicates] = summaryComments(pull);
    expect(duplicates).toEqual([]);
    expect(summary!.user.login).toBe("codex-review[bot]");
    expect(summary!.body).toContain("**Open**: 1 P1");
    expect(summary!.body).toContain("`parse.js:5`");
    expect(summary!.body).toContain("Unsafe const lines");
    expect(summary!.body).toMatch(/- `parse\.js` \(\+2 −2\): Changes parse\.js\./);
    const history = parseSummaryData(summary!.body);
    expect(history.reviews.map((review) => [review.sha, review.mode])).toEqual([
      [pull.headSha, "full"],
      [second.headSha, "incremental"],
    ]);
    expect(history.reviews.every((review) => review.usage && review.usage.inputTokens > 0)).toBe(true);
    expect(summary!.body).toContain("**Total**: 2 review(s)");

    console.info(
      "FIGURES pull-findings-check",
      JSON.stringify({
        firstReview: { githubRequests: firstReview.length, routes: firstReview },
        incrementalReview: { githubRequests: secondReview.length, summaryWrites: summaryWrites(pull, 0).length },
      }),
    );
  });

  it("fails the check with check.fail_on: P1, and posts no summary comment with summary_comment: false", async () => {
    const git = historyRepo("gate-pr", "check:\n  fail_on: P1\nsummary_comment: false\n");
    git.commit("feature", allOf(setLine("parse.js", 5, BUG_5), setLine("parse.js", 101, CLEAN_101)));
    const pull = openPull("gate-pr", git);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    const check = await completedCheck(pull);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`check.fail_on: P1`");

    git.commit("feature", setLine("parse.js", 100, CLEAN_100));
    const second = await push(pull, git);
    await waitForReviews(github, pull, 2);
    expect((await completedCheck(second)).conclusion).toBe("failure");
    expect(github.issueComments(OWNER, "gate-pr", pull.number)).toEqual([]);
    expect(summaryWrites(pull)).toEqual([]);
  });

  it("leaves one summary comment when GitHub stores it but its answer is lost, and keeps the check run right", async () => {
    const git = historyRepo("lost-answer");
    git.commit("feature", setLine("parse.js", 5, BUG_5));
    const pull = openPull("lost-answer", git);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    expect((await completedCheck(pull)).conclusion).toBe("neutral");

    // The second review creates the summary comment; GitHub stores it and its answer is lost.
    github.failNext({ method: "POST", path: new RegExp(`/lost-answer/issues/${pull.number}/comments$`) }, { status: 502, afterRoute: true });
    git.commit("feature", setLine("parse.js", 100, CLEAN_100));
    const second = await push(pull, git);
    await waitForReviews(github, pull, 2);
    // The summary's failure does not fail the posted review's check run.
    expect((await completedCheck(second)).conclusion).toBe("neutral");
    expect(summaryComments(pull)).toHaveLength(1);

    git.commit("feature", setLine("parse.js", 101, CLEAN_101));
    const third = await push(pull, git);
    await waitForReviews(github, pull, 3);
    expect((await completedCheck(third)).conclusion).toBe("neutral");
    await waitFor(() => (summaryComments(pull)[0]?.body.includes(third.headSha.slice(0, 7)) ? true : undefined), 10_000, "the edited summary");
    expect(summaryComments(pull)).toHaveLength(1);
    expect(summaryWrites(pull).map((request) => `${request.method} ${request.status}`)).toEqual(["POST 502", "PATCH 200"]);
    expect(github.requests.filter((request) => request.injected)).toHaveLength(1);
  });
});
