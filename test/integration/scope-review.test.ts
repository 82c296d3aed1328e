import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { githubWebUrl } from "../../src/config/env.js";
import type { GithubClient } from "../../src/github/github-client.js";
import { createChunkReviewer } from "../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../src/llm/responses-client.js";
import type { PauseStore } from "../../src/queue/pause-store.js";
import type { ReviewJobData } from "../../src/queue/review-job.js";
import type { RepositoryOpener, RepositoryTarget } from "../../src/repository/repository-reader.js";
import { SCOPE_FORMAT_LEGEND } from "../../src/review/render-hunk.js";
import type { ContextMode, ReviewSettings } from "../../src/review/review-settings.js";
import { reviewPullRequest } from "../../src/worker/review-pull-request.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";
import { realSourceFile } from "../support/git-history.js";
import { createMemoryRepository } from "../support/memory-repository.js";
import { isReviewCall, promptInput } from "../support/scripted-model.js";
import { testReviewSettings } from "../support/review-settings.js";

/*
 * The worker's review job in `scope` mode, in process: the real GitHub client against the GitHub fake
 * (a PR over a real git history), the real chunk reviewer against the AI/ML API fake, and the repository
 * at the head as the reader the snapshot cache would give (the memory reader over the head commit's files).
 */

const OWNER = "octo-org";
const REPO = "parser";
const log = pino({ level: "silent" });
const TYPES = readFileSync(new URL("../../node_modules/parse-diff/index.d.ts", import.meta.url), "utf8");

let github: GithubFake;
let model: AimlApiFake;
let git: GitRepo;
let client: GithubClient;
const calls: FakeResponsesCall[] = [];
const opened: RepositoryTarget[] = [];

const settings = (mode: ContextMode): ReviewSettings => testReviewSettings({ context: { mode, scopeLines: 80, toolRounds: 8, toolOutputTokens: 24_000 } });

/** The head commit's files, as a snapshot of it would read them. */
const opener: RepositoryOpener = {
  async open(_github, target) {
    opened.push(target);
    const files = git.git("ls-tree", "-r", "--name-only", target.headSha).split("\n").filter(Boolean);
    return createMemoryRepository(Object.fromEntries(files.map((path) => [path, git.git("show", `${target.headSha}:${path}`)])));
  },
};

const pauses: PauseStore = { isPaused: async () => false, setPaused: async () => undefined };

/**
 * A model that reports: a bug on the changed line (inline), one on a line of the enclosing function it
 * was shown as scope (S89), one on the typings file the diff does not touch, one on a file that does not exist.
 */
function answer(call: FakeResponsesCall) {
  calls.push(call);
  const finding = (path: string, line: number, title: string, quote: string | null) => ({
    path, line, side: "RIGHT", start_line: null, severity: "P1", title, body: `${title}.`, suggestion: null, quote,
  });
  return completedReply({
    summary: "Counts of one-line hunks.",
    comments: [
      finding("parse.js", 102, "Count comment is wrong", 'oldLines: toNumOfLines(oldNumLines), // "@@ -5 +5 @@" has no count'),
      finding("parse.js", 89, "Chunk handler ignores a missing match", "const chunk = (line, match) => {"),
      finding("index.d.ts", 20, "Typings still say oldLines is optional", TYPES.split("\n")[19]!.trim()),
      finding("lib/gone.ts", 3, "A caller that does not exist", null),
    ],
  });
}

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: answer });
  client = new Octokit({ baseUrl: github.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
  git = createGitRepo({ "parse.js": realSourceFile(), "index.d.ts": TYPES });
  const lines = realSourceFile().split("\n");
  lines[101] = `${lines[101]} // "@@ -5 +5 @@" has no count`;
  git.commit("feature", { "parse.js": lines.join("\n") });
  github.useGitHistory(OWNER, REPO, git);
});

afterAll(async () => {
  await github?.close();
  await model?.close();
  git?.remove();
});

afterEach(() => {
  expect(github.unexpected).toEqual([]);
  expect(model.unexpected).toEqual([]);
  expect(model.invalidRequests).toEqual([]);
});

let nextPull = 1;
async function review(mode: ContextMode, web: string | undefined) {
  const number = nextPull++;
  github.addPullRequest({ owner: OWNER, repo: REPO, number, branches: { base: "main", head: "feature" } });
  const headSha = git.sha("feature");
  const before = calls.length;
  const client2 = createResponsesClient({ baseUrl: model.url, apiKey: model.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 10_000 });
  const reviewer = createChunkReviewer({ client: client2, maxOutputTokens: 4_000, outputTokensCeiling: 8_000, reasoningEffort: "medium", log, wait: async () => undefined });
  const data: ReviewJobData = {
    kind: "review", installationId: github.state.installationId, owner: OWNER, repo: REPO, pullNumber: number, deliveryId: null,
    headSha, trigger: "opened", mode: "full", commentId: null, requestedBy: null,
  };
  const outcome = await reviewPullRequest(data, {
    github: client, reviewer, settings: settings(mode), pauses, appSlug: "codex-review", log, repository: opener, ...(web ? { githubWebUrl: web } : {}),
  });
  const [posted] = github.reviews(OWNER, REPO, number);
  const prompts = calls.slice(before).filter(isReviewCall);
  return { outcome, posted: posted!, prompts, headSha };
}

describe("a review in scope mode", () => {
  it("shows the model the enclosing function as S lines; a finding on one goes to the body with a permalink on the GHES host, as does one on a file outside the diff", async () => {
    // The worker process derives the web host from its GitHub base URL (GHE_HOST): here the fake's /api/v3.
    const web = githubWebUrl(github.baseUrl);
    expect(web).toBe(github.url);
    const { outcome, posted, prompts, headSha } = await review("scope", web);
    expect(outcome.status).toBe("posted");

    expect(prompts).toHaveLength(1);
    const input = promptInput(prompts[0]!);
    const instructions = (prompts[0]!.body as { instructions?: string }).instructions ?? "";
    expect(instructions).toContain(SCOPE_FORMAT_LEGEND);
    expect(input).toContain("S89    const chunk = (line, match) => {\n");
    expect(input).toContain("S111    };\n");
    expect(input).toMatch(/^R102 \+ {6}oldLines: toNumOfLines\(oldNumLines\), \/\/ "@@ -5 \+5 @@" has no count$/m);

    // Only the diff line is inline; GitHub (the fake) checked it is a line of the diff.
    expect(posted.comments.map((comment) => [comment.path, comment.line, comment.side])).toEqual([["parse.js", 102, "RIGHT"]]);
    const blob = `${github.url}/${OWNER}/${REPO}/blob/${headSha}`;
    expect(posted.body).toContain("#### Findings outside the diff");
    expect(posted.body).toContain(`[\`parse.js:89\`](${blob}/parse.js#L89)`);
    expect(posted.body).toContain(`[\`index.d.ts:20\`](${blob}/index.d.ts#L20)`);
    // Not in the repository at the head: still reported, without a link.
    expect(posted.body).toContain("- `lib/gone.ts:3` **P1**");
    expect(posted.body).not.toContain("lib/gone.ts#L");
    expect(opened.at(-1)).toMatchObject({ owner: OWNER, repo: REPO, headSha });
  });

  it("links to github.com when the app talks to api.github.com", async () => {
    const { posted, headSha } = await review("scope", githubWebUrl("https://api.github.com"));
    expect(posted.body).toContain(`[\`parse.js:89\`](https://github.com/${OWNER}/${REPO}/blob/${headSha}/parse.js#L89)`);
  });

  it("diff mode is the review it was: no S lines, no repository read, findings outside the diff listed without links", async () => {
    const reads = opened.length;
    const { posted, prompts } = await review("diff", githubWebUrl(github.baseUrl));
    const input = promptInput(prompts[0]!);
    expect(input).not.toMatch(/^S\d+ /m);
    expect((prompts[0]!.body as { instructions?: string }).instructions).not.toContain("S<n>");
    expect(opened.length).toBe(reads);
    expect(posted.comments.map((comment) => comment.line)).toEqual([102]);
    expect(posted.body).toContain("- `parse.js:89` **P1**");
    expect(posted.body).not.toContain("/blob/");
  });
});
