import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply, incompleteReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { buildGitHistory, realSourceFile, replaceLine } from "../support/git-history.js";
import { createGitRepo, setLine } from "../support/git-repo.js";
import { settledCheckRuns, waitForCompletedCheckRun, waitForReviews } from "../support/review-waits.js";
import { findingPerAddedLine, isReviewCall, promptInput } from "../support/scripted-model.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import {
  checkRunRerequestedPayload,
  prCommentPayload,
  pullRequestPayload,
  reviewReplyPayload,
  type PullTarget,
} from "../support/webhook-payloads.js";

const OWNER = "octo-org";
const REPO = "incremental";
const THREAD_ANSWER = "The split runs on every call; hoist the regular expression into a module constant.";
/** A question the fake model cannot answer within any output cap: its answer stops mid-sentence. */
const LONG_QUESTION = "explain every regex engine in detail";
const CUT_ANSWER = "Die Aufteilung läuft bei jedem Aufruf, und der reguläre Ausdruck wird";

// Real git history on a real file: push 1 edits line 5, push 2 edits line 100.
const history = buildGitHistory({ "parse.js": realSourceFile() }, [
  replaceLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"),
  replaceLine("parse.js", 100, "      oldLines: toNumOfLines(oldNumLines), // counts may be missing"),
]);

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let nextPull = 1;
const reviewCalls: FakeResponsesCall[] = [];
const threadCalls: FakeResponsesCall[] = [];
/** Runs once, on the next review call of the model (to change GitHub's answers while the model works). */
let onReviewCall: () => void | Promise<void> = () => undefined;

const webhookUrl = () => `${app.url}/api/github/webhooks`;
const deliver = (event: string, payload: unknown) => deliverWebhook(webhookUrl(), event, payload, { secret: SECRET });
const reviewsOf = (pull: PullTarget, repo = REPO) => github.reviews(OWNER, repo, pull.number);
const target = (number: number, headSha: string, repo = REPO): PullTarget => ({ owner: OWNER, repo, number, headSha, installationId: github.state.installationId });

function openPull(diff: string, headSha: string, repo = REPO): PullTarget {
  const number = nextPull++;
  github.addPullRequest({ owner: OWNER, repo, number, diff, headSha, title: `Change ${number}` });
  return target(number, headSha, repo);
}

const settle = () => new Promise((r) => setTimeout(r, 1_500));

async function command(pull: PullTarget, body: string, login: string) {
  const comment = github.addIssueComment(OWNER, pull.repo, pull.number, { body, user: login });
  await deliver("issue_comment", prCommentPayload(pull, { id: comment.id, body, login }));
  return comment;
}

const reactionsOn = (commentId: number) =>
  github.requests
    .filter((request) => request.method === "POST" && request.path.endsWith(`/issues/comments/${commentId}/reactions`))
    .map((request) => (request.body as { content: string }).content);

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: async (call) => {
      if (!isReviewCall(call)) {
        threadCalls.push(call);
        if (promptInput(call).includes(LONG_QUESTION)) return incompleteReply(CUT_ANSWER, { request: call.body });
        return completedReply(THREAD_ANSWER);
      }
      reviewCalls.push(call);
      const during = onReviewCall;
      onReviewCall = () => undefined;
      await during();
      return completedReply(findingPerAddedLine(promptInput(call)));
    },
  });
  for (const repo of [REPO, "configured", "broken-config", "german"]) {
    github.setPermission(OWNER, repo, "maintainer-mia", "write");
    github.setPermission(OWNER, repo, "reader-rob", "read");
  }
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `it4-${randomUUID().slice(0, 8)}`));
});

const cleanups: Array<() => void> = [];

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await app?.stop();
  await github?.close();
  await model?.close();
});

afterEach(() => expectCleanFakes({ github, model }));

describe("incremental review", () => {
  it("reviews only the new commit on a second push and does not repeat earlier comments", async () => {
    // A repository with a real history: the fake computes the compare and the PR's diff from it.
    const git = createGitRepo({ "parse.js": realSourceFile() });
    cleanups.push(() => git.remove());
    github.useGitHistory(OWNER, "with-history", git);
    github.setPermission(OWNER, "with-history", "maintainer-mia", "write");
    git.commit("feature", setLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"));
    const number = nextPull++;
    github.addPullRequest({ owner: OWNER, repo: "with-history", number, branches: { base: "main", head: "feature" }, title: `Change ${number}` });
    const pull = target(number, git.sha("feature"), "with-history");
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    expect(first!.comments.map((comment) => comment.line)).toEqual([5]);

    const pushed = git.commit("feature", setLine("parse.js", 100, "      oldLines: toNumOfLines(oldNumLines), // counts may be missing"));
    const callsBefore = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("synchronize", target(pull.number, pushed, "with-history")));
    const second = (await waitForReviews(github, pull, 2))[1]!;
    expect(second.commit_id).toBe(pushed);
    expect(second.comments.map((comment) => comment.line)).toEqual([100]);
    const incrementalPrompt = reviewCalls.slice(callsBefore).map(promptInput).join("\n");
    expect(incrementalPrompt).toContain("R100 +");
    expect(incrementalPrompt).not.toContain("R5 +");

    // A full re-review sees both lines again; both findings were posted before, so neither is repeated.
    const asked = await command(target(pull.number, pushed, "with-history"), "/codex review full", "maintainer-mia");
    const third = (await waitForReviews(github, pull, 3))[2]!;
    expect(reviewCalls.map(promptInput).at(-1)).toContain("R5 +");
    expect(third.comments).toHaveLength(0);
    await waitFor(() => (reactionsOn(asked.id).includes("+1") ? true : undefined), 10_000, "the +1 reaction");
    expect(reactionsOn(asked.id)).toEqual(["eyes", "+1"]);
  });

  it("falls back to a full review when a force-push dropped the last reviewed commit", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    const rewritten = randomBytes(20).toString("hex");
    github.pushToPullRequest(OWNER, REPO, pull.number, { headSha: rewritten, diff: history.diff(0, 2) });
    const callsBefore = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("synchronize", target(pull.number, rewritten)));
    const second = (await waitForReviews(github, pull, 2))[1]!;
    const prompt = reviewCalls.slice(callsBefore).map(promptInput).join("\n");
    expect(prompt).toContain("R5 +");
    expect(prompt).toContain("R100 +");
    // Line 5 was commented on before: only the new finding is posted.
    expect(second.comments.map((comment) => comment.line)).toEqual([100]);
  });

  it("drops the review of a head that is no longer the PR's head", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    github.pushToPullRequest(OWNER, REPO, pull.number, { headSha: history.sha(2), diff: history.diff(0, 2) });
    const callsBefore = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("synchronize", target(pull.number, history.sha(1))));
    await settle();
    expect(reviewsOf(pull)).toHaveLength(0);
    expect(reviewCalls.length).toBe(callsBefore);
  });

  it("reviews the newest push when GitHub's first read of the PR still shows the previous head", async () => {
    // Repositories of their own: check runs belong to a commit, and other tests' PRs share these heads.
    const pull = openPull(history.diff(0, 2), history.sha(2), "lagging-first-read");
    // A read replica behind the push: the job's first read (the GraphQL context) shows the old head.
    github.lagHead(OWNER, pull.repo, pull.number, { sha: history.sha(1), reads: 1 });
    await deliver("pull_request", pullRequestPayload("synchronize", pull));
    const [review] = await waitForReviews(github, pull, 1);
    expect(review!.commit_id).toBe(history.sha(2));
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });

  it("posts when the head re-check right before posting reads a lagging replica", async () => {
    const pull = openPull(history.diff(0, 2), history.sha(2), "lagging-recheck");
    // The lag starts while the model works, so it hits the re-check before the POST.
    onReviewCall = () => github.lagHead(OWNER, pull.repo, pull.number, { sha: history.sha(1), reads: 1 });
    await deliver("pull_request", pullRequestPayload("synchronize", pull));
    const [review] = await waitForReviews(github, pull, 1);
    expect(review!.commit_id).toBe(history.sha(2));
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
  });

  it("drops its review when a push is delivered while the model works, and reviews the new head", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1), "push-while-reviewing");
    const pushed = target(pull.number, history.sha(2), pull.repo);
    // The push lands and its webhook is taken in while the first head's review is with the model: the
    // worker's check before posting sees it in Redis, GitHub confirms the head moved, and nothing is posted.
    onReviewCall = async () => {
      github.pushToPullRequest(OWNER, pull.repo, pull.number, { headSha: history.sha(2), diff: history.diff(0, 2) });
      expect((await deliver("pull_request", pullRequestPayload("synchronize", pushed))).status).toBeLessThan(300);
    };
    const callsBefore = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, pushed, 1);
    expect(review!.commit_id).toBe(history.sha(2));
    expect(await settledCheckRuns(github, pushed)).toEqual([["completed", "neutral"]]);
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
    const [dropped] = github.checkRuns(OWNER, pull.repo).filter((run) => run.head_sha === pull.headSha);
    expect(dropped!.output.title).toBe("Superseded by a newer push");
    await settle();
    expect(reviewsOf(pull, pull.repo)).toHaveLength(1);
    expect(reviewCalls.length - callsBefore).toBe(2);
  });

  it("reviews the PR's current head when the push that moved it was never delivered", async () => {
    // GitHub's head is already the second push, whose webhook was lost: only the opening is delivered.
    const pull = openPull(history.diff(0, 1), history.sha(1), "lost-push");
    github.pushToPullRequest(OWNER, pull.repo, pull.number, { headSha: history.sha(2), diff: history.diff(0, 2) });
    const current = target(pull.number, history.sha(2), pull.repo);
    const callsBefore = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, current, 1);
    expect(review!.commit_id).toBe(history.sha(2));
    expect(await settledCheckRuns(github, current)).toEqual([["completed", "neutral"]]);
    await settle();
    // The opened head's job paid for no model call and left no check run; exactly one review was posted.
    expect(github.checkRuns(OWNER, pull.repo).filter((run) => run.head_sha === history.sha(1))).toEqual([]);
    expect(reviewsOf(pull, pull.repo)).toHaveLength(1);
    expect(reviewCalls.length - callsBefore).toBe(1);
  });

  it("reviews a head a force-push came back to with its webhook lost, though that head's own job ended superseded", async () => {
    // The opening is delivered while GitHub's head is already the second push (lost): the opening's job
    // ends superseded, and the second push is reviewed.
    const pull = openPull(history.diff(0, 1), history.sha(1), "force-back");
    github.pushToPullRequest(OWNER, pull.repo, pull.number, { headSha: history.sha(2), diff: history.diff(0, 2) });
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    await settle();
    // A third push is delivered, but the branch is force-pushed back to the opened head before its job
    // runs, and that force-push's webhook is lost.
    const third = randomBytes(20).toString("hex");
    github.pushToPullRequest(OWNER, pull.repo, pull.number, { headSha: history.sha(1), diff: history.diff(0, 1) });
    await deliver("pull_request", pullRequestPayload("synchronize", target(pull.number, third, pull.repo)));
    const [, back] = await waitForReviews(github, pull, 2);
    expect(back!.commit_id).toBe(history.sha(1));
    expect(await settledCheckRuns(github, pull)).toEqual([["completed", "neutral"]]);
    await settle();
    expect(reviewsOf(pull, pull.repo).map((review) => review.commit_id)).toEqual([history.sha(2), history.sha(1)]);
    // The lost push's head and the third push's head: no check run left behind on either.
    expect(github.checkRuns(OWNER, pull.repo).filter((run) => run.head_sha === third)).toEqual([]);
  });

  it("reviews again when the check run's Re-run is requested on a pull request from a fork", async () => {
    const number = nextPull++;
    github.addPullRequest({ owner: OWNER, repo: "fork-rerun", number, diff: history.diff(0, 1), headSha: history.sha(1), title: `Change ${number}`, fork: "forker" });
    const pull = target(number, history.sha(1), "fork-rerun");
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    await waitForCompletedCheckRun(github, pull);
    // GitHub leaves check_run.pull_requests empty for a fork's PR: the worker finds it by head SHA.
    await deliver("check_run", checkRunRerequestedPayload(pull, "codex-review", { fromFork: true }));
    const [, rerun] = await waitForReviews(github, pull, 2);
    expect(rerun!.commit_id).toBe(pull.headSha);
    // The Re-run's review repeats no finding (all posted before), but the first review's are still open
    // on the PR: the check judges the PR, so its run is not green either.
    const runs = github.checkRuns(OWNER, "fork-rerun").filter((run) => run.head_sha === pull.headSha);
    expect(await settledCheckRuns(github, pull)).toEqual([
      ["completed", "neutral"],
      ["completed", "neutral"],
    ]);
    expect(runs[1]!.output.title).toMatch(/^Open on this pull request: .* · No issues found$/);
  });

  it("reviews again when the check run's Re-run is requested", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    await waitForCompletedCheckRun(github, pull);
    await deliver("check_run", checkRunRerequestedPayload(pull));
    const [, rerun] = await waitForReviews(github, pull, 2);
    expect(rerun!.commit_id).toBe(pull.headSha);
  });
});

describe("commands", () => {
  it("pauses and resumes automatic reviews", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    const pause = await command(pull, "/codex pause", "maintainer-mia");
    await waitFor(() => (reactionsOn(pause.id).includes("+1") ? true : undefined), 10_000, "pause acknowledged");
    expect(reactionsOn(pause.id)).toContain("eyes");

    await deliver("pull_request", pullRequestPayload("opened", pull));
    const skipped = await waitFor(
      () => github.checkRuns(OWNER, REPO).find((run) => run.head_sha === pull.headSha && run.conclusion === "skipped"),
      10_000,
      "skipped check run",
    );
    expect(skipped.output.title).toContain("paused");
    expect(reviewsOf(pull)).toHaveLength(0);

    const resume = await command(pull, "@codex-review resume", "maintainer-mia");
    await waitFor(() => (reactionsOn(resume.id).includes("+1") ? true : undefined), 10_000, "resume acknowledged");
    await deliver("pull_request", pullRequestPayload("reopened", pull));
    await waitForReviews(github, pull, 1);
  });

  it("answers help, and answers an unknown command with the help", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await command(pull, "/codex help", "reader-rob");
    await command(pull, "/Codex frobnicate", "maintainer-mia");
    const replies = await waitFor(() => {
      const found = github.issueComments(OWNER, REPO, pull.number).filter((c) => c.body.includes("| `/codex review full` |"));
      return found.length === 2 ? found : undefined;
    }, 10_000, "two help replies");
    expect(replies.filter((reply) => reply.body.includes("Unknown command `frobnicate`"))).toHaveLength(1);
    expect(replies[0]!.body).toContain("max_comments");
  });

  it("refuses pause from a read-only user, once", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await command(pull, "/codex pause", "reader-rob");
    await waitFor(() => github.issueComments(OWNER, REPO, pull.number).find((c) => c.body.includes("write access")), 10_000, "refusal");
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    expect(github.issueComments(OWNER, REPO, pull.number).filter((c) => c.body.includes("write access"))).toHaveLength(1);
  });
});

describe("threaded replies", () => {
  it("answers a reply to one of its comments in the same thread, with the thread as context", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, pull, 1);
    const root = review!.comments[0]!;
    const question = github.addReviewReply(OWNER, REPO, pull.number, root.id, { body: "@codex-review why is this a problem?", user: "maintainer-mia" });
    await deliver("pull_request_review_comment", reviewReplyPayload(pull, { id: question.id, inReplyTo: root.id, body: question.body, login: "maintainer-mia" }));

    const answer = await waitFor(() => {
      const thread = github.reviews(OWNER, REPO, pull.number).flatMap((r) => r.comments);
      return thread.find((comment) => comment.in_reply_to_id === root.id && comment.user.type === "Bot");
    }, 15_000, "the answer");
    expect(answer.body).toContain(THREAD_ANSWER);
    const asked = promptInput(threadCalls.at(-1)!);
    expect(asked).toContain("why is this a problem?");
    expect(asked).toContain(root.diff_hunk.split("\n")[0]);
  });

  it("answers in the repository's language, with its guidance and reasoning effort; a cut-off answer is marked", async () => {
    github.setFile(OWNER, "german", ".github/codex-review.yml", "language: German\ninstructions: Prefer early returns.\nreasoning_effort: low\n");
    github.setFile(OWNER, "german", "AGENTS.md", "# Agents\n\n## Code Review\nFlag any use of eval.\n");
    const pull = openPull(history.diff(0, 1), history.sha(1), "german");
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, pull, 1);
    const root = review!.comments[0]!;
    const answerTo = async (body: string) => {
      const before = threadCalls.length;
      const question = github.addReviewReply(OWNER, "german", pull.number, root.id, { body, user: "maintainer-mia" });
      await deliver("pull_request_review_comment", reviewReplyPayload(pull, { id: question.id, inReplyTo: root.id, body, login: "maintainer-mia" }));
      const answer = await waitFor(() => {
        const thread = github.reviews(OWNER, "german", pull.number).flatMap((r) => r.comments);
        return thread.find((comment) => comment.in_reply_to_id === root.id && comment.user.type === "Bot" && comment.body.includes(`answer-to=${question.id} `));
      }, 15_000, "the answer");
      return { answer, calls: threadCalls.slice(before) };
    };

    const { answer, calls } = await answerTo("@codex-review why is this a problem?");
    expect(answer.body).toContain(THREAD_ANSWER);
    expect(calls).toHaveLength(1);
    const instructions = String(calls[0]!.body.instructions);
    expect(instructions).toContain("Answer in German.");
    expect(instructions).toContain("Prefer early returns.");
    expect(instructions).toContain("Flag any use of eval.");
    expect(calls[0]!.body.reasoning?.effort).toBe("low");

    // Cut off at the cap, then at the raised cap: posted as far as it got, and marked as cut off.
    const cut = await answerTo(`@codex-review ${LONG_QUESTION}`);
    expect(cut.calls.map((call) => call.body.max_output_tokens)).toEqual([16_000, 32_000]);
    expect(cut.answer.body).toContain(CUT_ANSWER);
    expect(cut.answer.body).toContain("_(answer cut off at the output limit)_");

    // A repository that turns the app off gets no more answers, and pays for no model call.
    github.setFile(OWNER, "german", ".github/codex-review.yml", "enabled: false\n");
    const before = threadCalls.length;
    const question = github.addReviewReply(OWNER, "german", pull.number, root.id, { body: "@codex-review and now?", user: "maintainer-mia" });
    await deliver("pull_request_review_comment", reviewReplyPayload(pull, { id: question.id, inReplyTo: root.id, body: question.body, login: "maintainer-mia" }));
    await settle();
    expect(threadCalls.length).toBe(before);
    const answers = github.reviews(OWNER, "german", pull.number).flatMap((r) => r.comments).filter((c) => c.body.includes(`answer-to=${question.id} `));
    expect(answers).toHaveLength(0);
  });

  it("ignores replies that do not address the app", async () => {
    const pull = openPull(history.diff(0, 1), history.sha(1));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, pull, 1);
    const root = review!.comments[0]!;
    const before = threadCalls.length;
    const chat = github.addReviewReply(OWNER, REPO, pull.number, root.id, { body: "I'll fix it tomorrow.", user: "maintainer-mia" });
    await deliver("pull_request_review_comment", reviewReplyPayload(pull, { id: chat.id, inReplyTo: root.id, body: chat.body, login: "maintainer-mia" }));
    await settle();
    expect(threadCalls.length).toBe(before);
  });
});

describe("per-repo configuration", () => {
  it("reports a bad config file once, naming the bad keys, and reviews with the defaults", async () => {
    github.setFile(OWNER, "broken-config", ".github/codex-review.yml", "max_comments: lots\nfavourite_color: blue\n");
    const pull = openPull(history.diff(0, 1), history.sha(1), "broken-config");
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);
    github.pushToPullRequest(OWNER, "broken-config", pull.number, { headSha: history.sha(2), diff: history.diff(0, 2) });
    await deliver("pull_request", pullRequestPayload("synchronize", target(pull.number, history.sha(2), "broken-config")));
    await waitForReviews(github, pull, 2);
    const notices = github.issueComments(OWNER, "broken-config", pull.number).filter((c) => c.body.includes("codex-review.yml"));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain("max_comments");
    expect(notices[0]!.body).toContain("favourite_color");
  });

  it("applies the repository's settings and its AGENTS.md review guidelines", async () => {
    github.setFile(OWNER, "configured", ".github/codex-review.yml", "severity_threshold: P0\ninstructions: Focus on input validation.\nlanguage: French\n");
    github.setFile(OWNER, "configured", "AGENTS.md", "# Agents\n\n## Build\nnpm ci\n\n## Code Review\nFlag any use of eval.\n\n## Other\nignored\n");
    const pull = openPull(history.diff(0, 1), history.sha(1), "configured");
    const before = reviewCalls.length;
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [review] = await waitForReviews(github, pull, 1);
    // The model reports P1 findings only; the repository asked for P0 and above.
    expect(review!.comments).toHaveLength(0);
    expect(review!.body).toContain("No issues found");
    const instructions = String(reviewCalls.slice(before)[0]!.body.instructions);
    expect(instructions).toContain("Focus on input validation.");
    expect(instructions).toContain("Flag any use of eval.");
    expect(instructions).not.toContain("ignored");
    expect(instructions).toContain("French");
  });
});
