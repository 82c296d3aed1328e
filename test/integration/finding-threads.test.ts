import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseFindingMarker, parseFixedMarker } from "../../src/review/finding-marker.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake, type RecordedGithubRequest } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { allOf, createGitRepo, setLine, type FileChanges, type GitRepo } from "../support/git-repo.js";
import { settledCheckRuns, waitForReviews } from "../support/review-waits.js";
import { addedLinesInPrompt, isFixCheckCall, promptInput } from "../support/scripted-model.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * The life of a finding across pushes, over real git histories served by the GitHub fake: each inline
 * comment carries its identity, the fix check resolves what a push fixed with one reply, people's
 * resolutions and dismissals stick, `/codex resolve` resolves everything, and a job that fails between
 * the reply and the resolution does not reply twice.
 */

const OWNER = "octo-org";
const BUG = "// BUG";

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
const fixCalls: FakeResponsesCall[] = [];
const repos: GitRepo[] = [];

const deliver = (event: string, payload: unknown) => deliverWebhook(`${app.url}/api/github/webhooks`, event, payload, { secret: SECRET });


/**
 * The model: a review reports a P1 on every added line that says BUG (titled after the line); a fix
 * check answers `fixed` for each finding whose code shown at the finding's line no longer says BUG.
 */
function answer(call: FakeResponsesCall) {
  const input = promptInput(call);
  if (isFixCheckCall(call)) {
    fixCalls.push(call);
    const verdicts = input.split(/^## /m).slice(1).map((section) => {
      const id = /^(F\d+):/.exec(section)![1];
      const token = /^Title: .*?(BUG-\d+)/m.exec(section)![1]!;
      const code = section.slice(section.indexOf("\nCode at "));
      return code.includes(token) ? { id, verdict: "still_present", reason: "still there" } : { id, verdict: "fixed", reason: "the line was corrected" };
    });
    return completedReply({ verdicts });
  }
  const comments = addedLinesInPrompt(input)
    .filter((cited) => cited.code.includes(BUG))
    .map((cited) => ({ path: cited.path, line: cited.line, side: "RIGHT", start_line: null, severity: "P1", title: `Bug at ${cited.code.trim().slice(0, 30)}`, body: "This is wrong.", suggestion: null, quote: cited.code.trim() }));
  return completedReply({ summary: "Reviewed.", comments });
}

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: answer });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `threads-${randomUUID().slice(0, 8)}`));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

let nextPull = 1;
/** A PR in its own repository (parse-diff's parser as parse.js), with `changes` as its first commit. */
function openPull(changes: FileChanges): { pull: PullTarget; git: GitRepo; repo: string } {
  const number = nextPull++;
  const repo = `threads-${number}`;
  const git = createGitRepo({ "parse.js": realSourceFile() });
  repos.push(git);
  github.useGitHistory(OWNER, repo, git);
  github.setPermission(OWNER, repo, "maintainer-mia", "write");
  git.commit("feature", changes);
  github.addPullRequest({ owner: OWNER, repo, number, branches: { base: "main", head: "feature" }, title: `Change ${number}` });
  return { pull: { owner: OWNER, repo, number, headSha: git.sha("feature"), installationId: github.state.installationId }, git, repo };
}

async function push(pull: PullTarget, git: GitRepo, changes: FileChanges): Promise<PullTarget> {
  git.commit("feature", changes);
  const pushed = { ...pull, headSha: git.sha("feature") };
  const payload = pullRequestPayload("synchronize", pushed);
  await deliver("pull_request", payload).catch(() => deliver("pull_request", payload));
  return pushed;
}

const completedCheck = (pull: PullTarget) =>
  waitFor(() => github.checkRuns(OWNER, pull.repo).find((run) => run.head_sha === pull.headSha && run.status === "completed"), 30_000, `the check run of ${pull.headSha}`);

const threadsOf = (pull: PullTarget) => github.reviewThreads(OWNER, pull.repo, pull.number);
const threadAt = (pull: PullTarget, rootCommentId: number) => threadsOf(pull).find((thread) => thread.rootCommentId === rootCommentId)!;
/** GitHub requests made from `from` on, token exchanges left out (they depend on the token cache, not on the job). */
const jobRequests = (from: number): RecordedGithubRequest[] => github.requests.slice(from).filter((request) => !request.path.startsWith("/app/"));
const graphqlDocuments = (requests: RecordedGithubRequest[]) => requests.filter((request) => request.path === "/api/graphql").map((request) => String((request.body as { query: string }).query));

const bugLines = (lines: number[]) => allOf(...lines.map((line) => setLine("parse.js", line, `  v${line} = null; ${BUG}-${line}`)));
const fixLines = (lines: number[]) => allOf(...lines.map((line) => setLine("parse.js", line, `  v${line} = 0;`)));

describe("fixed findings", { timeout: 180_000 }, () => {
  it("resolves the thread a push fixed with one reply naming the commit, and leaves the untouched one open", async () => {
    const { pull, git } = openPull(bugLines([5, 100]));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    await completedCheck(pull);
    expect(first!.comments.map((comment) => comment.line)).toEqual([5, 100]);
    const markers = first!.comments.map((comment) => parseFindingMarker(comment.body));
    expect(markers.map((marker) => [marker?.severity, marker?.headSha])).toEqual([["P1", pull.headSha], ["P1", pull.headSha]]);
    const [fixedRoot, keptRoot] = first!.comments;

    const pushed = await push(pull, git, fixLines([5]));
    await waitForReviews(github, pull, 2);
    await completedCheck(pushed);
    await waitFor(() => (threadAt(pushed, fixedRoot!.id).isResolved ? true : undefined), 20_000, "the fixed thread to be resolved");

    const fixed = threadAt(pushed, fixedRoot!.id);
    expect(fixed.comments).toHaveLength(2);
    const reply = fixed.comments[1]!;
    expect(reply.login).toBe("codex-review[bot]");
    expect(reply.body).toContain(`Fixed in ${pushed.headSha.slice(0, 7)}`);
    expect(parseFixedMarker(reply.body)).toEqual({ fingerprint: markers[0]!.fingerprint, headSha: pushed.headSha });
    const kept = threadAt(pushed, keptRoot!.id);
    expect(kept).toMatchObject({ isResolved: false, isOutdated: false, line: 100 });
    expect(kept.comments).toHaveLength(1);
    // One model call checked exactly the touched finding.
    expect(fixCalls).toHaveLength(1);
    expect(promptInput(fixCalls[0]!)).toContain("## F1: parse.js");
    expect(promptInput(fixCalls[0]!)).not.toContain("## F2");
  });

  it("costs the same GitHub requests with 12 fixed threads as with 1, at most 3 above an incremental review with none", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => 10 + i * 20);
    const many = openPull(bugLines(lines));
    const one = openPull(bugLines([10]));
    const none = openPull(bugLines([10]));
    for (const { pull } of [many, one, none]) await deliver("pull_request", pullRequestPayload("opened", pull));
    for (const { pull } of [many, one, none]) {
      await waitForReviews(github, pull, 1);
      await completedCheck(pull);
    }
    expect(github.reviews(OWNER, many.repo, many.pull.number)[0]!.comments).toHaveLength(12);

    const measure = async (target: { pull: PullTarget; git: GitRepo }, changes: FileChanges) => {
      const from = github.requests.length;
      const pushed = await push(target.pull, target.git, changes);
      await waitForReviews(github, target.pull, 2);
      await completedCheck(pushed);
      return { pushed, requests: jobRequests(from) };
    };
    const withTwelve = await measure(many, fixLines(lines));
    const withOne = await measure(one, fixLines([10]));
    // A push far from the finding: an incremental review as before threads were checked.
    const withNone = await measure(none, setLine("parse.js", 200, "  const unrelated = 1;"));

    expect(threadsOf(withTwelve.pushed).every((thread) => thread.isResolved && thread.comments.length === 2)).toBe(true);
    expect(withTwelve.requests.length).toBe(withOne.requests.length);
    expect(withTwelve.requests.length - withNone.requests.length).toBeLessThanOrEqual(3);
    const mutations = graphqlDocuments(withTwelve.requests).filter((query) => query.startsWith("mutation"));
    expect(mutations).toHaveLength(2);
    expect(mutations[0]!.match(/addPullRequestReviewThreadReply/g)).toHaveLength(12);
    expect(mutations[1]!.match(/resolveReviewThread/g)).toHaveLength(12);
    console.info(
      "FIGURES finding-threads",
      JSON.stringify({
        incrementalReviewRequests: { twelveFixedThreads: withTwelve.requests.length, oneFixedThread: withOne.requests.length, noThreadTouched: withNone.requests.length },
        routes: withTwelve.requests.map((request) => `${request.method} ${request.path}`),
      }),
    );
  });

  it("replies once when the job fails between the reply and the resolution, and the retry resolves", async () => {
    const { pull, git } = openPull(bugLines([5]));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    await completedCheck(pull);
    const root = first!.comments[0]!;
    const callsBefore = fixCalls.length;

    // Every try of the resolution fails (Octokit's own retries included): the job fails after replying.
    github.failNext({ method: "POST", path: "/api/graphql", graphql: /resolveReviewThread/ }, { status: 502, times: 4, body: { message: "Server Error" } });
    const pushed = await push(pull, git, fixLines([5]));
    await waitFor(() => (threadAt(pushed, root.id).isResolved ? true : undefined), 60_000, "the retry to resolve the thread");
    await waitForReviews(github, pull, 2);
    await completedCheck(pushed);

    const thread = threadAt(pushed, root.id);
    expect(thread.comments.map((comment) => comment.login)).toEqual(["codex-review[bot]", "codex-review[bot]"]);
    expect(thread.comments.filter((comment) => parseFixedMarker(comment.body))).toHaveLength(1);
    expect(github.requests.filter((request) => request.injected)).toHaveLength(4);
    // The retry found the reply by its marker: no second model check, no second reply document.
    expect(fixCalls.length - callsBefore).toBe(1);
    expect(github.reviews(OWNER, pull.repo, pull.number)).toHaveLength(2);
    // The failed attempt's run says so; the retry's run carries the review's verdict.
    expect(await settledCheckRuns(github, pushed)).toEqual([
      ["completed", "failure"],
      ["completed", "success"],
    ]);
  });
});

describe("dismissed findings", { timeout: 180_000 }, () => {
  it("never reopens, re-checks or repeats a thread a person resolved, answered with a dismissal, or gave a 👎", async () => {
    const { pull, git } = openPull(bugLines([5, 100, 200]));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    await completedCheck(pull);
    const [resolved, thumbed, answered] = first!.comments;
    github.resolveThreadAs(OWNER, pull.repo, pull.number, resolved!.id, "maintainer-mia");
    github.reactToReviewComment(OWNER, pull.repo, pull.number, thumbed!.id, "-1", "maintainer-mia");
    github.addReviewReply(OWNER, pull.repo, pull.number, answered!.id, { body: "Won't fix: this file is generated.", user: "maintainer-mia" });
    const callsBefore = fixCalls.length;

    // The push fixes all three lines and touches the line after each: every hunk is reviewed again.
    const from = github.requests.length;
    const pushed = await push(pull, git, allOf(fixLines([5, 100, 200])));
    await waitForReviews(github, pull, 2);
    await completedCheck(pushed);

    expect(fixCalls.length).toBe(callsBefore);
    const threads = threadsOf(pushed);
    expect(threads.find((thread) => thread.rootCommentId === resolved!.id)).toMatchObject({ isResolved: true, resolvedBy: "maintainer-mia" });
    expect(threads.find((thread) => thread.rootCommentId === thumbed!.id)).toMatchObject({ isResolved: false });
    expect(threads.find((thread) => thread.rootCommentId === answered!.id)?.comments).toHaveLength(2);
    expect(threads.every((thread) => thread.comments.every((comment) => !parseFixedMarker(comment.body)))).toBe(true);
    expect(graphqlDocuments(jobRequests(from)).filter((query) => query.startsWith("mutation"))).toEqual([]);

    // Raised again on the same code: a later push that brings the bug back near the dismissed line.
    const again = await push(pushed, git, bugLines([5]));
    const reviews = await waitForReviews(github, pull, 3);
    await completedCheck(again);
    expect(reviews[2]!.comments).toEqual([]);
    expect(threadAt(again, resolved!.id).isResolved).toBe(true);
  });
});

describe("/codex resolve", { timeout: 180_000 }, () => {
  it("resolves every open thread of the app in one mutation, refuses a non-writer, and a later review raises none again", async () => {
    const { pull, git } = openPull(bugLines([5, 100]));
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    await completedCheck(pull);

    const outsider = github.addIssueComment(OWNER, pull.repo, pull.number, { body: "/codex resolve", user: "drive-by" });
    await deliver("issue_comment", prCommentPayload(pull, { id: outsider.id, body: "/codex resolve", login: "drive-by", association: "NONE" }));
    await waitFor(() => github.issueComments(OWNER, pull.repo, pull.number).find((comment) => comment.body.startsWith("@drive-by only people with write access")), 20_000, "the refusal");
    expect(threadsOf(pull).every((thread) => !thread.isResolved)).toBe(true);

    const from = github.requests.length;
    const asked = github.addIssueComment(OWNER, pull.repo, pull.number, { body: "/codex resolve", user: "maintainer-mia" });
    await deliver("issue_comment", prCommentPayload(pull, { id: asked.id, body: "/codex resolve", login: "maintainer-mia" }));
    await waitFor(() => (threadsOf(pull).every((thread) => thread.isResolved) ? true : undefined), 20_000, "every thread resolved");
    const mutations = graphqlDocuments(jobRequests(from)).filter((query) => query.startsWith("mutation"));
    expect(mutations).toHaveLength(1);
    expect(mutations[0]!.match(/resolveReviewThread/g)).toHaveLength(2);
    expect(threadsOf(pull).every((thread) => thread.comments.length === 1)).toBe(true);

    // The same findings, on lines the push touches again: neither re-raised nor checked.
    const callsBefore = fixCalls.length;
    const pushed = await push(pull, git, allOf(setLine("parse.js", 6, "  // touched"), setLine("parse.js", 101, "  // touched")));
    const reviews = await waitForReviews(github, pull, 2);
    await completedCheck(pushed);
    expect(reviews[1]!.comments).toEqual([]);
    expect(fixCalls.length).toBe(callsBefore);
    expect(first!.comments.every((comment) => threadAt(pushed, comment.id).isResolved)).toBe(true);
  });
});
