import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../src/github/github-client.js";
import type { RepositoryTarget } from "../../src/repository/repository-reader.js";
import { requestTarball } from "../../src/repository/request-tarball.js";
import { createSnapshotCache, type SnapshotCache, type SnapshotCacheOptions } from "../../src/repository/snapshot-cache.js";
import { createSnapshotMetrics } from "../../src/repository/snapshot-metrics.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { realSourceFile } from "../support/git-history.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";
import { buildRawTarball } from "../support/raw-tarball.js";

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

  it("downloads a SHA once for two jobs of a process and for two processes on one cache folder", async () => {
    const first = cache();
    const [a, b] = await Promise.all([first.open(github, target()), first.open(github, target())]);
    expect(await a.readFile("lib/extra.js", "head")).toMatchObject({ kind: "text" });
    expect(await b.readFile("lib/extra.js", "head")).toMatchObject({ kind: "text" });
    expect(requestsTo(ARCHIVE)).toHaveLength(1);

    // Two cache instances on one folder stand for two worker processes on one host.
    const other = git.commit("feature", { "lib/more.js": "exports.more = 2;\n" });
    const [c, d] = await Promise.all([cache().open(github, target({ headSha: other })), cache().open(github, target({ headSha: other }))]);
    expect(await c.readFile("lib/more.js", "head")).toEqual({ kind: "text", text: "exports.more = 2;\n" });
    expect(await d.readFile("lib/more.js", "head")).toEqual({ kind: "text", text: "exports.more = 2;\n" });
    expect(requestsTo(TARBALL)).toHaveLength(2);
    expect(requestsTo(ARCHIVE)).toHaveLength(2);
    expect(readdirSync(join(dir, "snapshots")).sort()).toEqual([`octo-org+snapshots@${head}`, `octo-org+snapshots@${other}`].sort());
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("evicts the least recently used snapshot to stay under the bound, never one an open reader holds", async () => {
    const shas = [head, git.commit("feature", { "b.txt": "b\n" }), git.commit("feature", { "c.txt": "c\n" })];
    // Each snapshot of this repository takes about 80 KB on disk; the bound holds two of them.
    const probe = cache();
    const size = async (sha: string) => {
      const reader = await probe.open(github, target({ headSha: sha }));
      await reader.close?.();
    };
    await size(shas[0]!);
    const one = Number(JSON.parse(readFileSync(join(dir, "snapshots", `octo-org+snapshots@${shas[0]}`, "meta.json"), "utf8")).bytes);
    const bounded = cache({ maxBytes: Math.floor(one * 2.5) });
    const held = await bounded.open(github, target({ headSha: shas[0]! }));
    for (const sha of shas.slice(1)) await (await bounded.open(github, target({ headSha: sha }))).close?.();
    // shas[1] was least recently used and closed; shas[0] is older but held open.
    expect(readdirSync(join(dir, "snapshots")).sort()).toEqual([`octo-org+snapshots@${shas[0]}`, `octo-org+snapshots@${shas[2]}`].sort());
    expect(await held.readFile("README.md", "head")).toEqual({ kind: "text", text: "# snapshots\n" });
    await held.close?.();
    await (await bounded.open(github, target({ headSha: shas[1]! }))).close?.();
    const left = readdirSync(join(dir, "snapshots"));
    expect(left).toHaveLength(2);
    expect(left).not.toContain(`octo-org+snapshots@${shas[0]}`);
  });

  it("reads a repository over REPO_SNAPSHOT_MAX_BYTES through the contents API: reads work, search does not, and the summary is told", async () => {
    const snapshots = cache({ snapshotMaxBytes: 1024 * 1024 });
    const reader = await snapshots.open(github, target({ sizeKb: 5 * 1024 }));
    expect(reader.source).toBe("contents");
    expect(reader.limitation).toMatch(/larger than the snapshot cap \(1 MB\).*code search was unavailable/);
    expect(await reader.readFile("lib/extra.js", "head")).toEqual({ kind: "text", text: "exports.extra = 1;\n" });
    expect(await reader.readFile("lib/extra.js", "base")).toEqual({ kind: "missing" });
    expect(await reader.readFile("../etc/passwd", "head")).toMatchObject({ kind: "refused" });
    expect(await reader.listFiles("", 10)).toEqual({ kind: "entries", entries: [{ name: "README.md", type: "file" }, { name: "lib", type: "dir" }], omitted: 0 });
    expect(await reader.listFiles("lib", 2)).toEqual({ kind: "entries", entries: [{ name: "extra.js", type: "file" }, { name: "index.js", type: "file" }], omitted: 1 });
    expect(await reader.searchCode("parse", null, 10)).toEqual({ kind: "unavailable", reason: reader.limitation });
    expect(requestsTo(TARBALL)).toHaveLength(0);
  });

  it("stops a download whose bytes pass REPO_SNAPSHOT_MAX_BYTES when the size was not known, and does not try that SHA again", async () => {
    const registry = new Registry();
    // The archive of this repository is about 5 KB: a 1 KB cap is passed mid-stream (codeload sends no Content-Length).
    const snapshots = cache({ snapshotMaxBytes: 1024, metrics: createSnapshotMetrics(registry) });
    const reader = await snapshots.open(github, target());
    expect(reader.source).toBe("contents");
    expect(await reader.readFile("lib/index.js", "head")).toMatchObject({ kind: "text" });
    expect(readdirSync(join(dir, "snapshots"))).toEqual([]);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    const again = await cache({ snapshotMaxBytes: 1024 }).open(github, target());
    expect(again.source).toBe("contents");
    expect(requestsTo(TARBALL)).toHaveLength(1);
    expect(await registry.metrics()).toMatch(/codex_review_snapshot_fetch_seconds_count\{outcome="too_large"\} 1/);
  });

  it("refuses an archive whose Content-Length is over the cap before reading its body", async () => {
    const sha = "e".repeat(40);
    const top = `${OWNER}-${REPO}-eeeeeee`;
    // Random bytes do not compress: the archive is about 64 KB, sent with its Content-Length.
    fake.setArchive(OWNER, REPO, sha, buildRawTarball([{ path: `${top}/noise.bin`, type: "File", content: randomBytes(64 * 1024) }]));
    const reader = await cache({ snapshotMaxBytes: 32 * 1024 }).open(github, target({ headSha: sha }));
    expect(reader.source).toBe("contents");
    expect(readFileSync(join(dir, "too-large", `octo-org+snapshots@${sha}`), "utf8")).toMatch(/^the archive is \d+ bytes, over 32768$/);
    expect(readdirSync(join(dir, "snapshots"))).toEqual([]);
  });

  it("answers an unknown SHA with GitHub's 404, which fails the open (the review then reads the diff alone)", async () => {
    await expect(cache().open(github, target({ headSha: "0".repeat(40) }))).rejects.toMatchObject({ status: 404 });
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("fails an open whose archive host errs with GitHub's status, and nothing in the error holds the archive token", async () => {
    fake.failNext("GET /_codeload/*", { status: 500, body: { message: "Server Error" } });
    const error = await cache()
      .open(github, target())
      .then(() => null, (caught: unknown) => caught as Error & { status: number });
    expect(error).toMatchObject({ status: 500, message: expect.stringMatching(/GitHub answered 500 for the archive of octo-org\/snapshots@/) });
    const redirect = requestsTo(TARBALL)[0]!;
    expect(redirect.status).toBe(302);
    const token = requestsTo(ARCHIVE)[0]!.query.token!;
    expect(token).toBeTruthy();
    expect(JSON.stringify({ ...error, message: error!.message, stack: error!.stack })).not.toContain(token);
    // The next open tries again (a failure is not remembered like an oversized archive).
    expect((await cache().open(github, target())).source).toBe("snapshot");
  });

  it("follows a relative Location from GitHub's tarball redirect to the archive host", async () => {
    // A token the archive host honours, from an ordinary redirect first.
    (await requestTarball(github, { owner: OWNER, repo: REPO, sha: head, maxBytes: 16 * 1024 ** 2 })).destroy();
    const token = requestsTo(ARCHIVE).at(-1)!.query.token!;
    fake.failNext("GET /repos/:owner/:repo/tarball/*", { status: 302, body: "", headers: { location: `/_codeload/${OWNER}/${REPO}/legacy.tar.gz/${head}?token=${token}` } });
    const reader = await cache().open(github, target());
    expect(reader.source).toBe("snapshot");
    expect(await reader.readFile("lib/extra.js", "head")).toEqual({ kind: "text", text: "exports.extra = 1;\n" });
    await reader.close?.();
  });

  it("follows the archive host's own redirect (a second hop, relative to the archive host's address)", async () => {
    (await requestTarball(github, { owner: OWNER, repo: REPO, sha: head, maxBytes: 16 * 1024 ** 2 })).destroy();
    const token = requestsTo(ARCHIVE).at(-1)!.query.token!;
    const before = requestsTo(ARCHIVE).length;
    // codeload answers GitHub's redirect with one of its own: a path beside the one asked for.
    fake.failNext("GET /_codeload/*", { status: 302, body: "", headers: { location: `${head}?token=${token}` } });
    const reader = await cache().open(github, target());
    expect(reader.source).toBe("snapshot");
    expect(await reader.readFile("lib/extra.js", "head")).toEqual({ kind: "text", text: "exports.extra = 1;\n" });
    await reader.close?.();
    const hops = requestsTo(ARCHIVE).slice(before);
    expect(hops.map((hop) => [hop.status, hop.query.token === token])).toEqual([
      [302, false],
      [200, true],
    ]);
  });

  it("fails an open whose redirect Location is not a valid address, and nothing in the error holds the archive token", async () => {
    // The archive host's own redirect: Node's URL error would keep the address it was resolved against.
    fake.failNext("GET /_codeload/*", { status: 302, body: "", headers: { location: "http://[codeload/archive.tar.gz?token=FORGED-TOKEN" } });
    const hostError = await cache()
      .open(github, target())
      .then(() => null, (caught: unknown) => caught as Error);
    const token = requestsTo(ARCHIVE).at(-1)!.query.token!;
    expect(token).toBeTruthy();
    expect(hostError?.message).toMatch(/redirect/);
    const seen = (error: Error | null) => JSON.stringify({ ...error, message: error?.message, stack: error?.stack, cause: String((error as { cause?: unknown })?.cause) });
    expect(seen(hostError)).not.toContain(token);
    expect(seen(hostError)).not.toContain("FORGED-TOKEN");
    // GitHub's own redirect to the archive host, as malformed.
    fake.failNext("GET /repos/:owner/:repo/tarball/*", { status: 302, body: "", headers: { location: "https://[codeload/x?token=GITHUB-TOKEN" } });
    const githubError = await cache()
      .open(github, target())
      .then(() => null, (caught: unknown) => caught as Error);
    expect(githubError?.message).toMatch(/redirect/);
    expect(seen(githubError)).not.toContain("GITHUB-TOKEN");
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    expect((await cache().open(github, target())).source).toBe("snapshot");
  });

  it("never writes or reads outside the snapshot from a hostile archive", async () => {
    const outside = join(dir, "outside");
    mkdirSync(outside);
    const sha = "f".repeat(40);
    const top = `${OWNER}-${REPO}-fffffff`;
    fake.setArchive(
      OWNER,
      REPO,
      sha,
      buildRawTarball([
        { path: `${top}/`, type: "Directory" },
        { path: `${top}/ok.txt`, type: "File", content: "fine\n" },
        { path: `${top}/../escape.txt`, type: "File", content: "escaped\n" },
        { path: `${top}/../../../../../../../../../..${outside}/dotdot.txt`, type: "File", content: "escaped\n" },
        { path: `${outside}/absolute.txt`, type: "File", content: "escaped\n" },
        { path: `${top}/out-link`, type: "SymbolicLink", linkpath: outside },
        { path: `${top}/out-link/through.txt`, type: "File", content: "escaped\n" },
        { path: `${top}/rel-link`, type: "SymbolicLink", linkpath: "../../../../../outside" },
        { path: `${top}/passwd`, type: "SymbolicLink", linkpath: "/etc/passwd" },
        { path: `${top}/hard`, type: "Link", linkpath: "/etc/passwd" },
        { path: `${top}/null`, type: "CharacterDevice" },
        { path: `${top}/fifo`, type: "FIFO" },
        { path: `${top}/inside`, type: "SymbolicLink", linkpath: "ok.txt" },
        { path: `${top}/locked`, type: "Directory", mode: 0o000 },
        { path: `${top}/locked/file.txt`, type: "File", content: "locked\n", mode: 0o000 },
      ]),
    );
    const snapshots = cache();
    const reader = await snapshots.open(github, target({ headSha: sha }));
    expect(readdirSync(outside)).toEqual([]);
    expect(findNamed(dir, ["escape.txt", "dotdot.txt", "through.txt"])).toEqual([]);
    expect(await reader.readFile("ok.txt", "head")).toEqual({ kind: "text", text: "fine\n" });
    expect(await reader.readFile("inside", "head")).toEqual({ kind: "text", text: "fine\n" });
    expect(await reader.readFile("locked/file.txt", "head")).toEqual({ kind: "text", text: "locked\n" });
    const passwd = await reader.readFile("passwd", "head");
    expect(passwd.kind === "refused" || passwd.kind === "missing").toBe(true);
    expect(passwd).not.toMatchObject({ kind: "text" });
    for (const path of ["hard", "null", "fifo", "out-link/through.txt", "rel-link"]) {
      expect((await reader.readFile(path, "head")).kind, path).not.toBe("text");
    }
    expect(await reader.readFile("../escape.txt", "head")).toMatchObject({ kind: "refused" });
    expect(await reader.readFile(join(outside, "absolute.txt"), "head")).toMatchObject({ kind: "refused" });
    expect(existsSync(join(outside, "absolute.txt"))).toBe(false);
    // Every mode was reset: eviction can delete the tree, locked folder included.
    await reader.close?.();
    // A bound that holds the next snapshot (about 30 KB) but not both: the hostile one goes.
    await (await cache({ maxBytes: 40_000 }).open(github, target())).close?.();
    expect(readdirSync(join(dir, "snapshots"))).toEqual([`octo-org+snapshots@${head}`]);
  });
});

/** Paths under `root` whose last segment is one of `names`. */
function findNamed(root: string, names: string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (names.includes(entry.name)) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}
