import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { countTokens } from "../../src/llm/count-tokens.js";
import { hashPath, parseReviewMarker } from "../../src/review/review-marker.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake, type RecordedGithubRequest } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { allOf, createGitRepo, setLine, type FileChanges, type GitRepo } from "../support/git-repo.js";
import { waitForReviews } from "../support/review-waits.js";
import { findingPerAddedLine, isReviewCall, promptInput } from "../support/scripted-model.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * What an incremental review covers, over real git histories that the GitHub fake serves: "Update
 * branch" merges, GitHub's compare caps, and files an earlier review could not cover.
 */

const OWNER = "octo-org";
/** GitHub lists at most 300 files in a comparison (the fake, like GitHub, cuts the rest silently). */
const COMPARE_FILES = 300;

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
const reviewCalls: FakeResponsesCall[] = [];
const repos: GitRepo[] = [];

const deliver = (event: string, payload: unknown) => deliverWebhook(`${app.url}/api/github/webhooks`, event, payload, { secret: SECRET });
const promptsSince = (index: number) => reviewCalls.slice(index).map(promptInput).join("\n");

/** A fake repository backed by a real git history, with parse-diff's parser as `parse.js`. */
function historyRepo(name: string, files: Record<string, string> = {}): { git: GitRepo; name: string } {
  const git = createGitRepo({ "parse.js": realSourceFile(), "README.md": "# Project\n", ...files });
  repos.push(git);
  github.useGitHistory(OWNER, name, git);
  github.setPermission(OWNER, name, "maintainer-mia", "write");
  return { git, name };
}

let nextPull = 1;
function openPull(repo: string, git: GitRepo): PullTarget {
  const number = nextPull++;
  github.addPullRequest({ owner: OWNER, repo, number, branches: { base: "main", head: "feature" }, title: `Change ${number}` });
  return { owner: OWNER, repo, number, headSha: git.sha("feature"), installationId: github.state.installationId };
}

async function push(pull: PullTarget, git: GitRepo): Promise<PullTarget> {
  const pushed = { ...pull, headSha: git.sha("feature") };
  const payload = pullRequestPayload("synchronize", pushed);
  // After seconds of git work the client may reuse a keep-alive socket the app just closed; GitHub would redeliver.
  await deliver("pull_request", payload).catch(() => deliver("pull_request", payload));
  return pushed;
}

/** Lines inserted after line `after` of `path`. */
function insertLines(path: string, after: number, lines: string[]): FileChanges {
  return (files) => files.set(path, files.get(path)!.split("\n").toSpliced(after, 0, ...lines).join("\n"));
}

const completedCheck = (pull: PullTarget) =>
  waitFor(() => github.checkRuns(OWNER, pull.repo).find((run) => run.head_sha === pull.headSha && run.status === "completed"), 20_000, `the check run of ${pull.headSha}`);

/** GitHub requests a job made, token exchanges left out (they depend on the token cache, not on the job). */
const jobRequests = (from: number): RecordedGithubRequest[] => github.requests.slice(from).filter((request) => !request.path.startsWith("/app/"));

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: (call) => {
      if (isReviewCall(call)) reviewCalls.push(call);
      return completedReply(findingPerAddedLine(promptInput(call)));
    },
  });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `scope-${randomUUID().slice(0, 8)}`));
});

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

const FIX_5 = "  const lines = input.split(/\\r?\\n/);";
const FIX_100 = "      oldLines: toNumOfLines(oldNumLines), // counts may be missing";
const FIX_101 = "      newStart: +newStart, // from the header";
const UPSTREAM = Array.from({ length: 10 }, (_, i) => `// upstream note ${i + 1}`);

// Real git, an app process and a job retry (5 s backoff) on a shared 2-core machine: generous time.
describe("Update branch", { timeout: 180_000 }, () => {
  it("reviews nothing after a merge of the base, answers /codex review once, then reviews only the PR hunk a push touched", async () => {
    const { git, name } = historyRepo("update-branch");
    git.commit("feature", allOf(setLine("parse.js", 5, FIX_5), setLine("parse.js", 100, FIX_100)));
    const pull = openPull(name, git);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    expect(first!.comments.map((comment) => comment.line)).toEqual([5, 100]);
    await completedCheck(pull);
    const reviewedSha = pull.headSha.slice(0, 7);

    // "Update branch": the base changed other files, and the PR's file outside its hunks (10 lines
    // inserted between them, which moves the second hunk down by 10).
    git.commit("main", allOf(insertLines("parse.js", 60, UPSTREAM), { "README.md": "# Project\n\nUpstream words.\n", "docs/guide.md": "Guide\n" }));
    git.merge("feature", "main");
    let callsBefore = reviewCalls.length;
    let requestsBefore = github.requests.length;
    const merged = await push(pull, git);
    const skipped = await completedCheck(merged);
    // Nothing was reviewed, but the first review's two P1s are still open: the check judges the PR, not a green skip.
    expect(skipped.conclusion).toBe("neutral");
    expect(skipped.output.title).toBe(`Open on this pull request: 2 P1 · No new changes of this pull request since ${reviewedSha}`);
    expect(skipped.output.summary).toContain("/codex review full");
    expect(reviewCalls.length).toBe(callsBefore);
    expect(github.reviews(OWNER, name, pull.number)).toHaveLength(1);
    const nothingNewRequests = jobRequests(requestsBefore);

    // `/codex review` with nothing new: one reply, even though GitHub's answer to it is lost once (the
    // job fails after GitHub stored the reply, and its retry must find it).
    github.failNext({ method: "POST", path: /\/issues\/\d+\/comments$/ }, { status: 502, afterRoute: true });
    const body = "/codex review";
    const asked = github.addIssueComment(OWNER, name, pull.number, { body, user: "maintainer-mia" });
    await deliver("issue_comment", prCommentPayload(merged, { id: asked.id, body, login: "maintainer-mia" }));
    await waitFor(() => (reactionsOn(asked.id).includes("+1") ? true : undefined), 30_000, "the +1 reaction after the retry");
    const replies = github.issueComments(OWNER, name, pull.number).filter((comment) => comment.body.includes("no new changes of this pull request"));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain(`since ${reviewedSha}`);
    expect(replies[0]!.body).toContain("`/codex review full`");
    expect(github.requests.filter((request) => request.injected)).toHaveLength(1);
    expect(reviewCalls.length).toBe(callsBefore);

    // A push that changes one PR hunk, then another Update branch.
    git.commit("feature", setLine("parse.js", 111, FIX_101));
    git.commit("main", allOf(setLine("parse.js", 240, "// upstream tweak"), { "docs/guide.md": "Guide, second edition\n" }));
    git.merge("feature", "main");
    callsBefore = reviewCalls.length;
    requestsBefore = github.requests.length;
    const updated = await push(pull, git);
    const second = (await waitForReviews(github, pull, 2))[1]!;
    expect(second.commit_id).toBe(updated.headSha);
    await completedCheck(updated);
    const prompt = promptsSince(callsBefore);
    // The PR hunk the push touched, numbered as in the PR diff (moved down by the base's 10 lines)...
    expect(prompt).toContain(`R110 +${FIX_100}`);
    expect(prompt).toContain(`R111 +${FIX_101}`);
    // ...and nothing else: not the PR's other hunk, not the base's files or lines.
    expect(prompt).not.toContain("R5 +");
    expect(prompt).not.toMatch(/README|guide|upstream/);
    // The comment sits on the PR diff's line (the fake checks it against the PR diff); line 110's finding was posted before.
    expect(second.comments.map((comment) => [comment.line, comment.side])).toEqual([[111, "RIGHT"]]);
    expect(second.body).not.toContain("could not be placed");

    console.info(
      "FIGURES incremental-scope",
      JSON.stringify({
        nothingNewPush: { githubRequests: nothingNewRequests.length, routes: nothingNewRequests.map((request) => `${request.method} ${request.path}`), modelCalls: 0 },
        pushPlusUpdateBranch: {
          githubRequests: jobRequests(requestsBefore).length,
          modelCalls: reviewCalls.length - callsBefore,
          promptTokens: reviewCalls.slice(callsBefore).reduce((sum, call) => sum + countTokens(promptInput(call)), 0),
        },
      }),
    );
  });
});

const reactionsOn = (commentId: number) =>
  github.requests
    .filter((request) => request.method === "POST" && request.path.endsWith(`/issues/comments/${commentId}/reactions`) && request.status < 300)
    .map((request) => (request.body as { content: string }).content);

describe("fallbacks and carried files", { timeout: 120_000 }, () => {
  it("reviews the whole PR when an Update branch brings in more files than GitHub's compare lists", async () => {
    const { git, name } = historyRepo("big-update");
    git.commit("feature", allOf(setLine("parse.js", 5, FIX_5), setLine("parse.js", 100, FIX_100)));
    const pull = openPull(name, git);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    await waitForReviews(github, pull, 1);

    const docs = Object.fromEntries(Array.from({ length: COMPARE_FILES + 5 }, (_, i) => [`docs/page-${i + 1}.md`, `Page ${i + 1}\n`]));
    git.commit("main", docs);
    git.commit("feature", setLine("parse.js", 101, FIX_101));
    git.merge("feature", "main");
    const callsBefore = reviewCalls.length;
    const pushed = await push(pull, git);
    await waitForReviews(github, pull, 2);
    const prompt = promptsSince(callsBefore);
    // The compare was cut, so what changed is unknown: the whole PR diff (and only it) is reviewed.
    expect(prompt).toContain(`R5 +${FIX_5}`);
    expect(prompt).toContain(`R101 +${FIX_101}`);
    expect(prompt).not.toContain("docs/page-");
    expect((await completedCheck(pushed)).output.summary).toContain("Full review");
  });

  it("carries a file the last review's cap cut into the next increment", async () => {
    const body = (label: string, lines: number) => Array.from({ length: lines }, (_, i) => `export const ${label}${i} = ${i};`).join("\n") + "\n";
    const { git, name } = historyRepo("carried", { "src/a.js": body("a", 30), "src/b.js": body("b", 30), "test/c.test.js": body("c", 30) });
    github.setFile(OWNER, name, ".github/codex-review.yml", "caps:\n  max_files: 2\n");
    // Source first, larger first: the cap of 2 files cuts the test file.
    git.commit("feature", allOf(setLine("src/a.js", 3, "export const a2 = 'two';"), setLine("src/a.js", 20, "export const a19 = 'nineteen';"), setLine("src/b.js", 3, "export const b2 = 'two';"), setLine("test/c.test.js", 3, "export const c2 = 'two';")));
    const pull = openPull(name, git);
    await deliver("pull_request", pullRequestPayload("opened", pull));
    const [first] = await waitForReviews(github, pull, 1);
    expect(first!.body).toContain("test/c.test.js");
    expect(parseReviewMarker(first!.body)!.uncovered).toEqual([hashPath("test/c.test.js")]);

    git.commit("feature", setLine("src/a.js", 4, "export const a3 = 'three';"));
    const callsBefore = reviewCalls.length;
    await push(pull, git);
    const second = (await waitForReviews(github, pull, 2))[1]!;
    const prompt = promptsSince(callsBefore);
    expect(prompt).toContain("FILE: test/c.test.js");
    expect(prompt).toContain("R4 +export const a3 = 'three';");
    expect(prompt).not.toContain("FILE: src/b.js");
    // The a.js hunk the push did not touch is left out too.
    expect(prompt).not.toContain("'nineteen'");
    expect(second.comments.map((comment) => `${comment.path}:${comment.line}`).sort()).toEqual(["src/a.js:4", "test/c.test.js:3"]);
    expect(parseReviewMarker(second.body)!.uncovered).toEqual([]);
  });
});
