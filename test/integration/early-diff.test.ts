import { setTimeout as sleep } from "node:timers/promises";
import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GithubClient } from "../../src/github/github-client.js";
import { createChunkReviewer } from "../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../src/llm/responses-client.js";
import type { PauseStore } from "../../src/queue/pause-store.js";
import type { ReviewJobData } from "../../src/queue/review-job.js";
import { reviewPullRequest } from "../../src/worker/review-pull-request.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { pullDiffText } from "../fakes/github-git.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";
import { isReviewCall, promptInput } from "../support/scripted-model.js";
import { testReviewSettings } from "../support/review-settings.js";

/*
 * The diff a review reads beside its context (worker/read-diff-early.ts), in process against the GitHub
 * fake over real git histories: right after a push GitHub's PR diff can still be the previous push's
 * (`lagDiff`), and the review must still see, and anchor on, the diff of the head it reviews. A job that
 * stops reads nothing more of a diff too large for GitHub.
 */

const OWNER = "octo-org";
const log = pino({ level: "silent" });

let github: GithubFake;
let model: AimlApiFake;
let client: GithubClient;
const repos: GitRepo[] = [];
const calls: FakeResponsesCall[] = [];

const settings = testReviewSettings({ context: { mode: "diff", scopeLines: 80, toolRounds: 0, toolOutputTokens: 24_000 } });

const pauses: PauseStore = { isPaused: async () => false, setPaused: async () => undefined };

/** Forty one-line constants: each test changes a few of them on its feature branch. */
const constants = (changes: Record<number, string> = {}) =>
  Array.from({ length: 40 }, (_, i) => changes[i + 1] ?? `export const v${i + 1} = ${i + 1};`).join("\n") + "\n";

/** A model that finds a bug on line 5 and one on line 25 of calc.ts, wherever the diff it was shown has them. */
function answer(call: FakeResponsesCall) {
  calls.push(call);
  const finding = (line: number) => ({
    path: "calc.ts", line, side: "RIGHT", start_line: null, severity: "P1", title: `Line ${line} calls compute unchecked`, body: "compute can throw.", suggestion: null, quote: null,
  });
  return completedReply({ summary: "Constants computed.", comments: [finding(5), finding(25)] });
}

beforeAll(async () => {
  // A diff of more than three files is too large for this GitHub (its limit is 300).
  github = await startGithubFake({ limits: { diffFiles: 3 } });
  model = await startAimlApiFake({ handler: answer });
  client = new Octokit({ baseUrl: github.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
});

afterAll(async () => {
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  expect(model.unexpected).toEqual([]);
  expect(model.invalidRequests).toEqual([]);
});

/** The GitHub fake a test runs against, and the client of it the review uses. */
interface GithubUnderTest {
  github: GithubFake;
  client: GithubClient;
}
const defaultGithub = (): GithubUnderTest => ({ github, client });

function history(name: string, on = defaultGithub()): GitRepo {
  const git = createGitRepo({ "calc.ts": constants() });
  repos.push(git);
  on.github.useGitHistory(OWNER, name, git);
  return git;
}

/** Runs one review job of PR #1 of `repo` at the feature branch's head, as its first attempt. */
async function review(repo: string, git: GitRepo, job: Pick<ReviewJobData, "trigger" | "mode"> & Partial<Pick<ReviewJobData, "baseSha">>, on = defaultGithub()) {
  const responses = createResponsesClient({ baseUrl: model.url, apiKey: model.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 10_000 });
  const reviewer = createChunkReviewer({ client: responses, maxOutputTokens: 4_000, outputTokensCeiling: 8_000, reasoningEffort: "medium", log, wait: async () => undefined });
  const data: ReviewJobData = {
    kind: "review", installationId: on.github.state.installationId, owner: OWNER, repo, pullNumber: 1, deliveryId: null,
    headSha: git.sha("feature"), baseSha: git.sha("main"), commentId: null, requestedBy: null, draft: false, ...job,
  };
  const before = calls.length;
  const outcome = await reviewPullRequest(data, { github: on.client, reviewer, settings, pauses, appSlug: "codex-review", log, firstAttempt: true, headLagWaitsMs: [] });
  return { outcome, prompts: calls.slice(before).filter(isReviewCall).map(promptInput) };
}

describe("the diff read beside the context", () => {
  it("is the reviewed head's even when GitHub's PR diff still shows the previous push: the review anchors on the head's lines", async () => {
    const git = history("lagging-full");
    const previous = git.commit("feature", { "calc.ts": constants({ 25: "export const v25 = compute(25);" }) });
    github.addPullRequest({ owner: OWNER, repo: "lagging-full", number: 1, branches: { base: "main", head: "feature" } });
    // The push: line 25 back as it was, line 5 changed. The PR diff's next read still shows the previous push.
    git.commit("feature", { "calc.ts": constants({ 5: "export const v5 = compute(5);" }) });
    github.lagDiff(OWNER, "lagging-full", 1, { diff: pullDiffText(git, git.sha("main"), previous), reads: 1 });

    const { outcome, prompts } = await review("lagging-full", git, { trigger: "synchronize", mode: "full" });

    expect(outcome).toMatchObject({ status: "posted", headSha: git.sha("feature"), mode: "full" });
    expect(prompts.join("\n")).toContain("compute(5)");
    expect(prompts.join("\n")).not.toContain("compute(25)");
    // Line 5 is in the head's diff (inline); line 25 is not (the body). GitHub never refused the review.
    const [posted] = github.reviews(OWNER, "lagging-full", 1);
    expect(posted!.commit_id).toBe(git.sha("feature"));
    expect(posted!.comments.map((comment) => comment.line)).toEqual([5]);
    expect(github.requests.filter((request) => request.method === "POST" && request.path.endsWith("/pulls/1/reviews")).map((request) => request.status)).toEqual([200]);
  });

  it("lets an incremental review see the push's changes when GitHub's PR diff still shows the previous push, not answer 'nothing new'", async () => {
    const git = history("lagging-incremental");
    git.commit("feature", { "calc.ts": constants({ 25: "export const v25 = compute(25);" }) });
    github.addPullRequest({ owner: OWNER, repo: "lagging-incremental", number: 1, branches: { base: "main", head: "feature" } });
    const first = await review("lagging-incremental", git, { trigger: "opened", mode: "full" });
    expect(first.outcome).toMatchObject({ status: "posted" });
    const reviewedDiff = pullDiffText(git, git.sha("main"), git.sha("feature"));

    // The push changes line 5 only; the PR diff's next read is still the reviewed push's (line 25 only).
    git.commit("feature", { "calc.ts": constants({ 5: "export const v5 = compute(5);", 25: "export const v25 = compute(25);" }) });
    github.lagDiff(OWNER, "lagging-incremental", 1, { diff: reviewedDiff, reads: 1 });
    const { outcome, prompts } = await review("lagging-incremental", git, { trigger: "synchronize", mode: "incremental" });

    expect(outcome).toMatchObject({ status: "posted", headSha: git.sha("feature"), mode: "incremental" });
    expect(prompts.join("\n")).toContain("compute(5)");
    const latest = github.reviews(OWNER, "lagging-incremental", 1).at(-1)!;
    expect(latest.commit_id).toBe(git.sha("feature"));
    expect(latest.comments.map((comment) => comment.line)).toEqual([5]);
  });
});

describe("a base sha GitHub left behind its branch", () => {
  it("after the PR merged a newer base ('Update branch'): the review is of the PR's own change, not of the base's new commits", async () => {
    const git = history("stale-base");
    git.commit("feature", { "calc.ts": constants({ 5: "export const v5 = compute(5);" }) });
    github.addPullRequest({ owner: OWNER, repo: "stale-base", number: 1, branches: { base: "main", head: "feature" } });
    // GitHub keeps the base sha it recorded while main moves on; the event and the context name it.
    github.staleBase(OWNER, "stale-base", 1);
    const recordedBase = git.sha("main");
    git.commit("main", { "calc.ts": constants({ 25: "export const v25 = compute(25);" }) });
    git.merge("feature", "main");

    const { outcome, prompts } = await review("stale-base", git, { trigger: "synchronize", mode: "full", baseSha: recordedBase });

    expect(outcome).toMatchObject({ status: "posted", headSha: git.sha("feature") });
    expect(prompts.join("\n")).toContain("compute(5)");
    expect(prompts.join("\n")).not.toContain("compute(25)");
    // Line 25 is main's change, not the PR's: the finding there goes to the body, and GitHub accepts the review at once.
    const [posted] = github.reviews(OWNER, "stale-base", 1);
    expect(posted!.comments.map((comment) => comment.line)).toEqual([5]);
    const reads = github.requests.filter((request) => request.path.startsWith(`/repos/${OWNER}/stale-base/`) && request.method === "GET" && !request.path.includes("/check-runs"));
    expect(reads.map((request) => `${request.path} ${request.status}`)).toEqual([
      `/repos/${OWNER}/stale-base/compare/${recordedBase}...${git.sha("feature")} 200`,
      `/repos/${OWNER}/stale-base/pulls/1 200`,
    ]);
    expect(github.requests.filter((request) => request.method === "POST" && request.path === `/repos/${OWNER}/stale-base/pulls/1/reviews`).map((request) => request.status)).toEqual([200]);
  });
});

describe("a diff too large for GitHub", () => {
  /** Five changed files: past this fake's limit of three for a whole diff. */
  function bigPull(repo: string): GitRepo {
    const git = history(repo);
    git.commit("feature", Object.fromEntries(["a", "b", "c", "d"].map((name) => [`${name}.ts`, `export const ${name} = compute("${name}");\n`]).concat([["calc.ts", constants({ 5: "export const v5 = compute(5);" })]])));
    github.addPullRequest({ owner: OWNER, repo, number: 1, branches: { base: "main", head: "feature" } });
    return git;
  }
  const requestsOf = (repo: string, from = 0) => github.requests.slice(from).filter((request) => request.path.startsWith(`/repos/${OWNER}/${repo}/`));

  it("read early and then not needed (reviews disabled): no file list is read, during the job or after it", async () => {
    const git = bigPull("big-disabled");
    github.setFile(OWNER, "big-disabled", ".github/codex-review.yml", "enabled: false\n");

    const { outcome } = await review("big-disabled", git, { trigger: "opened", mode: "full" });
    const atReturn = github.requests.length;
    expect(outcome).toEqual({ status: "skipped", reason: "disabled by the repository's config" });
    await sleep(500);

    // The early read was made (and refused as too large); nothing followed it, then or after the job ended.
    expect(requestsOf("big-disabled").map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `GET /repos/${OWNER}/big-disabled/compare/${git.sha("main")}...${git.sha("feature")} 406`,
    ]);
    expect(github.requests.length).toBe(atReturn);
  });

  it("read early and then reviewed: the file list is read at once, with no second diff request", async () => {
    const git = bigPull("big-reviewed");

    const { outcome } = await review("big-reviewed", git, { trigger: "opened", mode: "full" });

    expect(outcome).toMatchObject({ status: "posted", headSha: git.sha("feature") });
    const reads = requestsOf("big-reviewed").filter((request) => request.method === "GET" && !request.path.includes("/check-runs"));
    expect(reads.map((request) => `${request.path} ${request.status}`)).toEqual([
      `/repos/${OWNER}/big-reviewed/compare/${git.sha("main")}...${git.sha("feature")} 406`,
      `/repos/${OWNER}/big-reviewed/pulls/1/files 200`,
    ]);
  });
});

describe("a comparison's diff GitHub serves whole past the PR diff's limits (getsentry/seer#138)", () => {
  let whole: GithubUnderTest;
  beforeAll(async () => {
    // GitHub's own limits (300 files), and a compare's diff that is not refused past them.
    const fake = await startGithubFake({ limits: { compareDiffWhole: true } });
    whole = { github: fake, client: new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient };
  });
  afterAll(async () => {
    expect(whole?.github.unexpected).toEqual([]);
    await whole?.github.close();
  });

  it("is too large as the PR's diff would be: the review reads the file list, with as many requests as through the PR's 406", async () => {
    const git = history("whole-compare", whole);
    const added = Array.from({ length: 301 }, (_, i) => [`src/m${i}.ts`, `export const m${i} = compute(${i});\n`]);
    git.commit("feature", Object.fromEntries([...added, ["calc.ts", constants({ 5: "export const v5 = compute(5);" })]]));
    whole.github.addPullRequest({ owner: OWNER, repo: "whole-compare", number: 1, branches: { base: "main", head: "feature" } });

    const { outcome, prompts } = await review("whole-compare", git, { trigger: "opened", mode: "full" }, whole);

    expect(outcome).toMatchObject({ status: "posted", headSha: git.sha("feature") });
    expect(prompts.join("\n")).toContain("compute(5)");
    const reads = whole.github.requests.filter((request) => request.path.startsWith(`/repos/${OWNER}/whole-compare/`) && request.method === "GET" && !request.path.includes("/check-runs"));
    // 302 files: served whole (200), then four pages of the file list; the PR's diff is never asked for.
    expect(reads.map((request) => `${request.path} ${request.status}`)).toEqual([
      `/repos/${OWNER}/whole-compare/compare/${git.sha("main")}...${git.sha("feature")} 200`,
      ...Array.from({ length: 4 }, () => `/repos/${OWNER}/whole-compare/pulls/1/files 200`),
    ]);
  });
});
