import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../src/github/github-client.js";
import type { RepositoryTarget } from "../../src/repository/repository-reader.js";
import { createSnapshotCache, type SnapshotCache, type SnapshotCacheOptions } from "../../src/repository/snapshot-cache.js";
import { createSnapshotMetrics } from "../../src/repository/snapshot-metrics.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { realSourceFile } from "../support/git-history.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";

const OWNER = "octo-org";
const REPO = "snapshots";
const log = pino({ level: "silent" });

let fake: GithubFake;
let git: GitRepo;
let github: GithubClient;
let dir: string;
let base: string;
let head: string;
const caches: SnapshotCache[] = [];

function cache(options: Partial<SnapshotCacheOptions> = {}): SnapshotCache {
  const created = createSnapshotCache({ dir, maxBytes: 64 * 1024 ** 2, snapshotMaxBytes: 16 * 1024 ** 2, log, ...options });
  caches.push(created);
  return created;
}

const target = (more: Partial<RepositoryTarget> = {}): RepositoryTarget => ({ owner: OWNER, repo: REPO, headSha: head, baseSha: base, sizeKb: null, ...more });
const requestsTo = (pattern: RegExp) => fake.requests.filter((request) => pattern.test(request.path));
const TARBALL = /\/tarball\//;
const ARCHIVE = /^\/_codeload\//;

beforeEach(async () => {
  fake = await startGithubFake();
  // A real source file (parse-diff's parser) at two commits: the PR renames a function its caller uses.
  const parser = realSourceFile();
  git = createGitRepo({ "lib/parse.js": parser, "lib/index.js": "module.exports = require('./parse');\n", "README.md": "# snapshots\n" });
  base = git.sha("main");
  head = git.commit("feature", { "lib/parse.js": parser.replace("module.exports", "exports.parse = parseDiff;\nmodule.exports"), "lib/extra.js": "exports.extra = 1;\n" });
  fake.useGitHistory(OWNER, REPO, git);
  github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
  dir = mkdtempSync(join(tmpdir(), "codex-review-cache-"));
});

afterEach(async () => {
  for (const created of caches.splice(0)) created.stop();
  expect(fake.unexpected).toEqual([]);
  await fake.close();
  git.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("the snapshot cache over the GitHub fake", () => {
  it("downloads the tarball through the archive redirect once, then answers from disk", async () => {
    const registry = new Registry();
    const snapshots = cache({ metrics: createSnapshotMetrics(registry) });
    const reader = await snapshots.open(github, target());
    expect(reader.source).toBe("snapshot");
    expect(reader.limitation).toBeNull();
    expect(await reader.readFile("lib/extra.js", "head")).toEqual({ kind: "text", text: "exports.extra = 1;\n" });
    expect(await reader.readFile("lib/extra.js", "base")).toEqual({ kind: "missing" });
    expect(requestsTo(TARBALL).map((request) => request.status)).toEqual([302]);
    expect(requestsTo(ARCHIVE).map((request) => request.status)).toEqual([200]);
    await reader.close?.();

    const again = await snapshots.open(github, target());
    expect(await again.readFile("lib/index.js", "head")).toEqual({ kind: "text", text: "module.exports = require('./parse');\n" });
    expect(requestsTo(TARBALL)).toHaveLength(1);
    expect(requestsTo(ARCHIVE)).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toMatch(/codex_review_snapshot_opens_total\{result="miss"\} 1/);
    expect(text).toMatch(/codex_review_snapshot_opens_total\{result="hit"\} 1/);
    expect(text).toMatch(/codex_review_snapshot_fetch_seconds_count\{outcome="downloaded"\} 1/);
    expect(text).toMatch(/codex_review_snapshot_bytes [1-9]\d+/);
  });
});
