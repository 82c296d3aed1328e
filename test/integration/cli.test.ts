import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply, errorReply } from "../fakes/aimlapi-replies.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { addPull } from "../support/add-pull.js";
import { buildRawTarball } from "../support/raw-tarball.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import {
  addedLine,
  FINDING_TITLE,
  firstFile,
  multiHunkDiff,
  multiHunkDiffPath as fixturePath,
  multiHunkModelOutput as modelOutput,
  OFF_DIFF_TITLE,
} from "../support/multi-hunk-review.js";
import { runCli, runCommand } from "../support/run-cli.js";

const OWNER = "octo-org";
const REPO = "hello-world";
const expectedHeading = `${firstFile!.path}:${addedLine.newLine} (RIGHT) [P1] ${FINDING_TITLE}`;

let github: GithubFake;
let model: AimlApiFake;
let nextPull = 1;

const newPull = () => addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff });

const modelEnv = () => ({ AIMLAPI_KEY: model.apiKey, AIMLAPI_BASE_URL: model.url });
const githubEnv = () => ({ GHE_HOST: github.host, GHE_PROTOCOL: "http", GITHUB_TOKEN: FAKE_GITHUB_TOKEN, REPO_CACHE_DIR: join(tmpdir(), "codex-review-cli-repos") });
const posts = () => github.requests.filter((request) => request.method !== "GET");

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: () => completedReply(modelOutput) });
});

afterAll(async () => {
  await github?.close();
  await model?.close();
});

afterEach(() => {
  expectCleanFakes({ github, model });
  model.setHandler(() => completedReply(modelOutput));
});

describe("codex-review review owner/repo#N", () => {
  it("--dry-run prints the anchored comment at path:line and the summary, and posts nothing", async () => {
    const pull = newPull();
    // The snapshot at the head (this PR has no git history behind it): the CLI reads it like a worker.
    github.setArchive(OWNER, REPO, pull.headSha, buildRawTarball([{ path: `${OWNER}-${REPO}-${pull.headSha.slice(0, 7)}/README.md`, type: "File", content: "# hello\n" }]));
    const run = await runCli(["review", `${OWNER}/${REPO}#${pull.number}`, "--dry-run"], { ...githubEnv(), ...modelEnv() });
    expect(run.stderr).not.toContain("codex-review:");
    expect(github.requests.filter((request) => /\/tarball\/|^\/_codeload\//.test(request.path)).map((request) => request.status)).toEqual([302, 200]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(expectedHeading);
    expect(run.stdout).toContain("Hoist the regular expression to a constant.");
    expect(run.stdout).toContain("--- review body ---");
    expect(run.stdout).toContain(OFF_DIFF_TITLE);
    expect(run.stdout).not.toContain("<!-- codex-review:v1");
    expect(run.stderr).toMatch(/1\/1 chunks reviewed/);
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(0);
    expect(posts()).toEqual([]);
    // The archive host is the exception: it takes the token of GitHub's redirect, in the URL, and no header.
    expect(github.requests.filter((request) => !request.path.startsWith("/_codeload/")).every((request) => request.headers.authorization === `token ${FAKE_GITHUB_TOKEN}`)).toBe(true);
    expect(github.requests.find((request) => request.path.startsWith("/_codeload/"))?.headers.authorization).toBeUndefined();
  });

  it("posts ONE review with the comment on the diff line and the off-diff finding in the body", async () => {
    const pull = newPull();
    const run = await runCli(["review", `${OWNER}/${REPO}#${pull.number}`], { ...githubEnv(), ...modelEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Posted review \d+ on octo-org\/hello-world#\d+: 1 line comment\(s\), 1 in the body\.$/m);
    const reviews = github.reviews(OWNER, REPO, pull.number);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.commit_id).toBe(pull.headSha);
    expect(reviews[0]!.comments).toHaveLength(1);
    expect(reviews[0]!.comments[0]).toMatchObject({ path: firstFile!.path, line: addedLine.newLine, side: "RIGHT" });
    expect(reviews[0]!.body).toContain(OFF_DIFF_TITLE);
    expect(reviews[0]!.body).toContain(`<!-- codex-review:v1 head=${pull.headSha}`);
  });

  it("accepts the pull request's URL and shows progress per chunk for a multi-chunk review", async () => {
    const pull = newPull();
    const run = await runCli(["review", `${github.url}/${OWNER}/${REPO}/pull/${pull.number}`, "--dry-run"], {
      ...githubEnv(),
      ...modelEnv(),
      // Small enough to split the three hunks of the fixture over several chunks.
      REVIEW_CHUNK_TOKENS: "300",
    });
    expect(run.code).toBe(0);
    const lines = run.stderr.split("\n").filter((line) => / chunks reviewed$/.test(line));
    const total = Number(/\/(\d+) chunks/.exec(lines[0] ?? "")?.[1]);
    expect(total).toBeGreaterThan(1);
    expect(lines).toHaveLength(total);
    expect(lines.at(-1)).toBe(`${total}/${total} chunks reviewed`);
    expect(model.requests.filter((request) => request.path === "/v1/responses").length).toBeGreaterThanOrEqual(total);
    expect(run.stdout).toContain(expectedHeading);
  });

  it("exits 1 with a clear message when GitHub answers 404", async () => {
    const run = await runCli(["review", `${OWNER}/${REPO}#424242`, "--dry-run"], { ...githubEnv(), ...modelEnv() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("answered 404 for octo-org/hello-world#424242");
    // One explained line, not Octokit's JSON error log as well.
    expect(run.stderr).not.toContain('"level"');
    expect(github.unexpected.map((entry) => entry.request.path)).toEqual([`/repos/${OWNER}/${REPO}/pulls/424242`]);
    github.unexpected.length = 0;
  });

  it("exits 1 naming the model's refusal when the AI/ML API key is rejected", async () => {
    const pull = newPull();
    model.setHandler(() => errorReply(401, "Invalid API key"));
    const run = await runCli(["review", `${OWNER}/${REPO}#${pull.number}`], { ...githubEnv(), ...modelEnv() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/codex-review: AI\/ML API answered 401/);
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(0);
  });
});

describe("warnings on the terminal", () => {
  it("are short readable lines between the progress lines, not JSON log lines", async () => {
    let calls = 0;
    model.setHandler(() => (++calls === 1 ? errorReply(503, "Service temporarily unavailable", { retryAfter: 0 }) : completedReply(modelOutput)));
    const run = await runCli(["review", "--diff", fixturePath], modelEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(expectedHeading);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines).toContainEqual(expect.stringMatching(/^codex-review: warning: Model call failed; retrying .*503/));
    expect(run.stderr).not.toContain('"level"');
    expect(lines.every((line) => !line.trimStart().startsWith("{"))).toBe(true);
  });

  it("LOG_LEVEL=debug asks for the full JSON log lines", async () => {
    const run = await runCli(["review", "--diff", fixturePath], { ...modelEnv(), LOG_LEVEL: "debug" });
    expect(run.code).toBe(0);
    const json = run.stderr.split("\n").filter((line) => line.startsWith("{"));
    expect(json.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain("Review planned");
  });
});

describe("codex-review review --diff", () => {
  it("reviews a local patch with no GitHub at all", async () => {
    const before = github.requests.length;
    const run = await runCli(["review", "--diff", fixturePath, "--title", "Split on CRLF"], modelEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(expectedHeading);
    expect(run.stdout).toContain(OFF_DIFF_TITLE);
    expect(github.requests.length).toBe(before);
    const call = model.requests.filter((request) => request.path === "/v1/responses").at(-1);
    expect(JSON.stringify(call?.body)).toContain("Split on CRLF");
  });
});

describe("bad invocations exit 1 with a message", () => {
  it.each([
    [["review"], "Give exactly one pull request"],
    [["review", "not-a-pr"], '"not-a-pr" is not a pull request'],
    [["review", "o/r#1", "--bogus"], "Unknown option '--bogus'"],
    [["review", "o/r#1", "--diff", "x.patch"], "not both"],
    [["frobnicate"], 'Unknown command "frobnicate"'],
  ])("%j", async (args, message) => {
    const run = await runCli(args, modelEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("Usage:");
  });

  it("without AIMLAPI_KEY", async () => {
    const run = await runCli(["review", "--diff", fixturePath], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("AIMLAPI_KEY is not set");
  });

  it("without GITHUB_TOKEN for a pull request", async () => {
    const run = await runCli(["review", `${OWNER}/${REPO}#1`, "--dry-run"], { ...modelEnv(), GHE_HOST: github.host, GHE_PROTOCOL: "http" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("GITHUB_TOKEN is not set");
  });

  it("with a --diff file that does not exist or is not a diff", async () => {
    const missing = await runCli(["review", "--diff", "/nonexistent/change.patch"], modelEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read the diff file /nonexistent/change.patch: ENOENT");
    const notDiff = await runCli(["review", "--diff", fileURLToPath(new URL("../fixtures/diffs/README.md", import.meta.url))], modelEnv());
    expect(notDiff.code).toBe(1);
    expect(notDiff.stderr).toContain("is not a unified diff");
  });

  it("`npx codex-review` runs the clone's own bin, offline, with an empty npm cache", async () => {
    const home = mkdtempSync(join(tmpdir(), "cli-npx-"));
    try {
      const run = await runCommand("npx", ["--offline", "codex-review", "--help"], {
        HOME: home,
        npm_config_cache: join(home, ".npm"),
        npm_config_update_notifier: "false",
      });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("codex-review review <owner/repo#number");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("--help exits 0 with the usage", async () => {
    const run = await runCli(["--help"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("codex-review review <owner/repo#number");
  });
});
