import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseFixedMarker } from "../../src/review/finding-marker.js";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { createGitRepo, setLine, type GitRepo } from "../support/git-repo.js";
import { waitForReviews } from "../support/review-waits.js";
import { addedLinesInPrompt, isReviewCall, promptInput } from "../support/scripted-model.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * Only people with write access dismiss a finding. On a public repository anyone can put a 👎 on our
 * comment, reply "won't fix", and the PR's author can resolve the conversation: none of it may turn a
 * `check.fail_on: P1` gate green. Over a real git history, an app process, the fakes and a real Redis.
 */

const OWNER = "octo-org";
const REPO = "gated";
const WRITER = "maintainer-mia";
const READER = "reader-rita";
const AUTHOR = "fork-fred";

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let git: GitRepo;
const repos: GitRepo[] = [];

const deliver = (event: string, payload: unknown) => deliverWebhook(`${app.url}/api/github/webhooks`, event, payload, { secret: SECRET });

/** A model that flags (P1) every added line containing BUG. */
function flagBugs(input: string) {
  const comments = addedLinesInPrompt(input)
    .filter((line) => line.code.includes("BUG"))
    .map((line) => ({ path: line.path, line: line.line, side: "RIGHT", start_line: null, severity: "P1", title: `Unsafe ${line.code.trim().slice(0, 30)}`, body: "This breaks on empty input.", suggestion: null, quote: line.code.trim() }));
  return { summary: "Changes parse.js.", comments };
}

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: (call) => completedReply(isReviewCall(call) ? flagBugs(promptInput(call)) : { verdicts: [] }) });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `dismiss-${randomUUID().slice(0, 8)}`));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

/** A repository gated with `check.fail_on: P1`, a writer and a reader, and a PR adding a line the model flags. */
function openGatedPull(repo: string, number: number): PullTarget {
  git = createGitRepo({ "parse.js": realSourceFile() });
  repos.push(git);
  github.useGitHistory(OWNER, repo, git);
  github.setFile(OWNER, repo, ".github/codex-review.yml", "check:\n  fail_on: P1\n");
  github.setPermission(OWNER, repo, WRITER, "write");
  github.setPermission(OWNER, repo, READER, "read");
  git.commit("feature", setLine("parse.js", 5, "  const lines = input.split('\\n'); // BUG"));
  github.addPullRequest({ owner: OWNER, repo, number, branches: { base: "main", head: "feature" }, title: "Parse faster" });
  return { owner: OWNER, repo, number, headSha: git.sha("feature"), installationId: github.state.installationId };
}

async function push(pull: PullTarget, line: number, code: string): Promise<PullTarget> {
  git.commit("feature", setLine("parse.js", line, code));
  const pushed = { ...pull, headSha: git.sha("feature") };
  const payload = pullRequestPayload("synchronize", pushed);
  await deliver("pull_request", payload).catch(() => deliver("pull_request", payload));
  return pushed;
}

const completedCheck = (pull: PullTarget) =>
  waitFor(() => github.checkRuns(OWNER, pull.repo).find((run) => run.head_sha === pull.headSha && run.status === "completed"), 30_000, `the check run of ${pull.headSha}`);
/** Whose write access the app looked up from request `from` on, in order. */
const permissionLookups = (from: number) =>
  github.requests
    .slice(from)
    .filter((request) => request.method === "GET" && request.path.endsWith("/permission"))
    .map((request) => request.path.split("/").at(-2));
const summaryOf = (pull: PullTarget) => github.issueComments(OWNER, REPO, pull.number).find((comment) => comment.body.includes("Codex review summary"));

describe("who may dismiss a finding", { timeout: 240_000 }, () => {
  it("keeps a `fail_on: P1` check failing through a reader's 👎 and `won't fix` and the PR author's resolution; a writer's `won't fix` dismisses it", async () => {
    const pull = openGatedPull(REPO, 1);

    let from = github.requests.length;
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    const finding = first!.comments[0]!;
    expect((await completedCheck(pull)).conclusion).toBe("failure");
    // Nobody dismissed anything: not one permission lookup.
    expect(permissionLookups(from)).toEqual([]);

    // A read-only collaborator answers "won't fix" and gives a 👎; the PR's author (from a fork) resolves the conversation.
    github.addReviewReply(OWNER, REPO, 1, finding.id, { body: "Won't fix, this is fine.", user: READER });
    github.reactToReviewComment(OWNER, REPO, 1, finding.id, "-1", READER);
    github.reactToReviewComment(OWNER, REPO, 1, finding.id, "-1", AUTHOR);
    github.resolveThreadAs(OWNER, REPO, 1, finding.id, AUTHOR);

    from = github.requests.length;
    const second = await push(pull, 100, "      oldLines: toNumOfLines(oldNumLines), // counts may be missing");
    await waitForReviews(github, pull, 2);
    const check2 = await completedCheck(second);
    expect(check2.conclusion).toBe("failure");
    expect(check2.output.summary).toContain("`parse.js:5`");
    const summary2 = await waitFor(() => summaryOf(pull), 10_000, "the summary comment");
    expect(summary2.body).toContain("**Open**: 1 P1");
    expect(summary2.body).toContain("**Dismissed**: 0");
    // Each person asked about once, though the reader both replied and reacted.
    expect(permissionLookups(from).sort()).toEqual([AUTHOR, READER]);
    // The thread stays as its author left it: not reopened, not replied to, not resolved again by us.
    const [thread2] = github.reviewThreads(OWNER, REPO, 1);
    expect(thread2).toMatchObject({ isResolved: true, resolvedBy: AUTHOR });
    expect(thread2!.comments.map((comment) => comment.login)).toEqual(["codex-review[bot]", READER]);

    // A writer says "won't fix": the finding is dismissed, the gate opens.
    github.addReviewReply(OWNER, REPO, 1, finding.id, { body: "Won't fix: generated code.", user: WRITER });
    from = github.requests.length;
    const third = await push(second, 101, "      newStart: +newStart, // from the header");
    await waitForReviews(github, pull, 3);
    const check3 = await completedCheck(third);
    expect(check3.conclusion).toBe("success");
    expect(permissionLookups(from).sort()).toEqual([AUTHOR, WRITER, READER].sort());
    await waitFor(() => (summaryOf(pull)?.body.includes("**Dismissed**: 1") ? true : undefined), 10_000, "the summary showing the dismissal");
    expect(github.reviewThreads(OWNER, REPO, 1)[0]!.comments.every((comment) => !parseFixedMarker(comment.body))).toBe(true);
  });

  it("dismisses, on a writer's `/codex resolve`, a finding the PR's author had resolved: reopened, then resolved by the app", async () => {
    const pull = openGatedPull("gated-resolve", 2);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    const finding = first!.comments[0]!;
    expect((await completedCheck(pull)).conclusion).toBe("failure");
    github.resolveThreadAs(OWNER, pull.repo, pull.number, finding.id, AUTHOR);

    const from = github.requests.length;
    const asked = github.addIssueComment(OWNER, pull.repo, pull.number, { body: "/codex resolve", user: WRITER });
    await deliver("issue_comment", prCommentPayload(pull, { id: asked.id, body: "/codex resolve", login: WRITER }));
    await waitFor(() => (github.reviewThreads(OWNER, pull.repo, pull.number).find((thread) => thread.isResolved && thread.resolvedBy === null) ? true : undefined), 20_000, "the app's resolution");
    const mutations = github.requests
      .slice(from)
      .filter((request) => request.path === "/api/graphql")
      .map((request) => String((request.body as { query: string }).query))
      .filter((query) => query.startsWith("mutation"));
    expect(mutations.map((query) => query.split("(")[0])).toEqual(["mutation UnresolveThreads", "mutation ResolveThreads"]);
    // The writer's own access was checked for the command, and not asked again; the author's resolution was.
    expect(permissionLookups(from).sort()).toEqual([AUTHOR, WRITER]);

    const second = await push(pull, 100, "      oldLines: toNumOfLines(oldNumLines), // counts may be missing");
    await waitForReviews(github, pull, 2);
    expect((await completedCheck(second)).conclusion).toBe("success");
    expect(github.reviewThreads(OWNER, pull.repo, pull.number)[0]).toMatchObject({ isResolved: true, resolvedBy: null, comments: [expect.objectContaining({ id: finding.id })] });
  });
});
