import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { parseUnifiedDiff } from "../../src/diff/parse-unified-diff.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake, type GithubPullFile } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { newFileDiff } from "../support/new-file-diff.js";
import { waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * Large pull requests end to end, with the app as a real process: GitHub refuses the diff (406
 * too_large, by lines or by files), the worker reviews from the paginated file list instead, names the
 * files GitHub sent no patch for, and still anchors every comment on a line GitHub accepts. A second
 * app process with REVIEW_MAX_FILES=2 shows the file cap cutting by priority and naming what it cut.
 */

const OWNER = "octo-org";
const REPO = "monorepo";
// Lowered so small real diffs trip them, the way 20,000 lines / 300 files trip GitHub.
const LIMITS = { diffLines: 400, diffFiles: 10 };

const parseDiffFixture = readFileSync(new URL("../fixtures/diffs/release-parse-diff-0.11.1-0.12.0.diff", import.meta.url), "utf8");

interface Planted {
  path: string;
  /** Where the comment must land. */
  line: number;
  /** Where the model says it is: off by two, with the right quote. */
  cited: number;
  quote: string;
}

/** Per path, the finding the fake model reports when that path's line is in its prompt. */
const planted = new Map<string, Planted>();

/** For each file: its first added line whose code no other line of the file contains, so the quote pins it. */
function plantFindings(diff: string): Planted[] {
  const result: Planted[] = [];
  for (const file of parseUnifiedDiff(diff)) {
    const lines = file.hunks.flatMap((hunk) => hunk.lines);
    const texts = lines.map((line) => line.content.trim());
    const target = lines.find((line, i) => line.kind === "add" && texts[i]!.length >= 8 && texts.every((other, j) => j === i || !other.includes(texts[i]!)));
    if (!target) continue;
    const entry = { path: file.path, line: target.newLine!, cited: target.newLine! + 2, quote: target.content };
    planted.set(file.path, entry);
    result.push(entry);
  }
  return result;
}

/** Whether a prompt shows the file: its header is `FILE: path`, maybe followed by notes like "(new file)". */
const showsFile = (input: string, path: string) => input.includes(`FILE: ${path}\n`) || input.includes(`FILE: ${path} (`);

function reviewChunk(call: FakeResponsesCall) {
  const input = String(call.body.input);
  const comments = [...planted.values()]
    .filter((entry) => showsFile(input, entry.path) && input.includes(`R${entry.line} +${entry.quote}\n`))
    .map((entry) => ({
      path: entry.path,
      line: entry.cited,
      side: "RIGHT",
      start_line: null,
      severity: "P2",
      title: `Check ${entry.path}`,
      body: "Planted finding.",
      suggestion: null,
      quote: entry.quote,
    }));
  return completedReply({ summary: "Reviewed part of a large PR.", comments });
}

let github: GithubFake;
let model: AimlApiFake;
let queue: Queue;
let cappedQueue: Queue;
let app: AppProcess;
let cappedApp: AppProcess;
let nextPull = 1;
const queueName = `it-large-${randomUUID().slice(0, 8)}`;
const cappedQueueName = `it-capped-${randomUUID().slice(0, 8)}`;

function addPull(diff: string, files?: (listed: GithubPullFile[]) => GithubPullFile[]): PullTarget {
  const number = nextPull++;
  const headSha = randomBytes(20).toString("hex");
  const pull = github.addPullRequest({ owner: OWNER, repo: REPO, number, diff, title: `Large change ${number}`, body: "Touches many files.", headSha });
  if (files) github.addPullRequest({ owner: OWNER, repo: REPO, number, diff, title: pull.title, body: pull.body, headSha, files: files(pull.files) });
  return { owner: OWNER, repo: REPO, number, headSha, installationId: github.state.installationId };
}

async function reviewOf(target: AppProcess, pull: PullTarget) {
  const delivery = await deliverWebhook(`${target.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
  expect(delivery.status).toBeLessThan(300);
  const reviews = await waitForReviews(github, pull, 1, 30_000);
  expect(reviews).toHaveLength(1);
  // Posted at the first attempt: GitHub refused no comment line (a 422 would have forced a body-only retry).
  const posts = github.requests.filter((request) => request.method === "POST" && request.path === `/repos/${OWNER}/${REPO}/pulls/${pull.number}/reviews`);
  expect(posts.map((request) => request.status)).toEqual([200]);
  return reviews[0]!;
}

const requestsOf = (pull: PullTarget, suffix = "") => github.requests.filter((request) => request.path === `/repos/${OWNER}/${REPO}/pulls/${pull.number}${suffix}`);
const promptsOf = (pull: PullTarget) =>
  model.requests.filter((request) => String((request.body as { input?: unknown } | undefined)?.input ?? "").includes(`number="${pull.number}"`)).map((request) => String((request.body as { input: unknown }).input));

beforeAll(async () => {
  github = await startGithubFake({ limits: LIMITS });
  model = await startAimlApiFake({ handler: reviewChunk });
  const redisUrl = inject("redisUrl");
  queue = new Queue(queueName, { connection: { url: redisUrl } });
  cappedQueue = new Queue(cappedQueueName, { connection: { url: redisUrl } });
  [app, cappedApp] = await Promise.all([
    startAppProcess("src/main.ts", appEnv({ github, model }, redisUrl, queueName)),
    startAppProcess("src/main.ts", appEnv({ github, model }, redisUrl, cappedQueueName, { REVIEW_MAX_FILES: "2" })),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([app?.stop(), cappedApp?.stop()]);
  for (const q of [queue, cappedQueue]) await dropQueue(q);
  await github?.close();
  await model?.close();
});

afterEach(() => expectCleanFakes({ github, model }));

describe("a diff GitHub refuses as too large", () => {
  it("over the line limit: reviews from the file list, names the file without a patch, anchors every comment", async () => {
    expect(parseDiffFixture.split("\n").length).toBeGreaterThan(LIMITS.diffLines);
    const findings = plantFindings(parseDiffFixture);
    // GitHub omits the patch of very large files from the listing; pretend it did for the largest one.
    const largest = parseUnifiedDiff(parseDiffFixture).filter((file) => file.status !== "deleted").sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions))[0]!;
    const pull = addPull(parseDiffFixture, (listed) => listed.map((file) => (file.filename === largest.path ? { ...file, patch: undefined } : file)));

    const review = await reviewOf(app, pull);

    const diffRequests = requestsOf(pull).filter((request) => /\.diff\b/.test(String(request.headers.accept)));
    expect(diffRequests.map((request) => request.status)).toEqual([406]);
    expect(requestsOf(pull, "/files").every((request) => request.status === 200)).toBe(true);
    expect(requestsOf(pull, "/files").length).toBeGreaterThan(0);

    expect(review.body).toContain("#### Not reviewed");
    expect(review.body).toContain(`- \`${largest.path}\`: GitHub sent no patch for it`);
    expect(review.body).toMatch(/\d[\d,]* tokens in \/ \d[\d,]* out · \$\d+\.\d+/);
    expect(promptsOf(pull).some((prompt) => showsFile(prompt, largest.path))).toBe(false);

    const expected = findings.filter((finding) => finding.path !== largest.path);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const placed = review.comments.map((comment) => ({ path: comment.path, line: comment.line, side: comment.side }));
    expect(placed.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      expected.map((finding) => ({ path: finding.path, line: finding.line, side: "RIGHT" })).sort((a, b) => a.path.localeCompare(b.path)),
    );
    // GitHub's diff_hunk of each comment ends on the quoted line: the comment sits on the code it is about.
    for (const comment of review.comments) expect(comment.diff_hunk.endsWith(`+${planted.get(comment.path)!.quote}`)).toBe(true);
  });

  it("over the file limit: reviews from the file list and anchors every comment", async () => {
    const paths = Array.from({ length: LIMITS.diffFiles + 2 }, (_, i) => `src/module-${i}/index.ts`);
    const diff = paths.map((path, i) => newFileDiff(path, 3 + i)).join("");
    expect(diff.split("\n").length).toBeLessThan(LIMITS.diffLines);
    plantFindings(diff);
    const pull = addPull(diff);

    const review = await reviewOf(app, pull);

    const diffRequests = requestsOf(pull).filter((request) => /\.diff\b/.test(String(request.headers.accept)));
    expect(diffRequests.map((request) => request.status)).toEqual([406]);
    expect(requestsOf(pull, "/files").length).toBeGreaterThan(0);
    expect(review.body).not.toContain("#### Not reviewed");
    expect(review.comments.map((comment) => comment.path).sort()).toEqual([...paths].sort());
    for (const comment of review.comments) {
      expect(comment).toMatchObject({ side: "RIGHT", line: planted.get(comment.path)!.line });
    }
  });
});

describe("per-PR file cap (REVIEW_MAX_FILES=2)", () => {
  it("reviews the two most important files and names the files the cap skipped", async () => {
    const diff = [
      newFileDiff("docs/guide.md", 40),
      newFileDiff("test/api.test.ts", 30),
      newFileDiff("src/api/small.ts", 5),
      newFileDiff("package.json", 3),
      newFileDiff("src/api/large.ts", 20),
    ].join("");
    expect(diff.split("\n").length).toBeLessThan(LIMITS.diffLines);
    plantFindings(diff);
    const pull = addPull(diff);

    const review = await reviewOf(cappedApp, pull);

    // Small enough for GitHub: the diff itself was served.
    expect(requestsOf(pull).filter((request) => /\.diff\b/.test(String(request.headers.accept))).map((request) => request.status)).toEqual([200]);
    const prompts = promptsOf(pull);
    expect(prompts.length).toBeGreaterThan(0);
    const shown = new Set(prompts.flatMap((prompt) => [...prompt.matchAll(/^FILE: (\S+)/gm)].map((match) => match[1]!)));
    expect(shown).toEqual(new Set(["src/api/large.ts", "src/api/small.ts"]));

    expect(review.body).toContain("#### Not reviewed");
    for (const path of ["test/api.test.ts", "docs/guide.md", "package.json"]) {
      expect(review.body).toContain(`- \`${path}\`: over the per-PR cap of 2 files`);
    }
    expect(review.comments.map((comment) => comment.path).sort()).toEqual(["src/api/large.ts", "src/api/small.ts"]);
    for (const comment of review.comments) expect(comment.line).toBe(planted.get(comment.path)!.line);
  });
});
