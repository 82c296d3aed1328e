import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractTarball } from "../../../src/repository/extract-tarball.js";
import type { RepositoryReader } from "../../../src/repository/repository-reader.js";
import { createSnapshotReader } from "../../../src/repository/snapshot-reader.js";
import { SEARCH_LIMITS } from "../../../src/repository/search-snapshot.js";
import { realSourceFile } from "../../support/git-history.js";
import { createGitRepo, type GitRepo } from "../../support/git-repo.js";

let git: GitRepo;
let work: string;
let reader: RepositoryReader;
let outside: string;
const baseReads: string[] = [];

/** Commits a symlink (createGitRepo writes only regular files). */
function commitSymlink(repo: GitRepo, path: string, target: string): void {
  symlinkSync(target, join(repo.dir, path));
  repo.git("add", path);
  repo.git("commit", "-q", "-m", `link ${path}`);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "codex-review-reader-"));
  outside = join(work, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "secret\n");
  git = createGitRepo({
    "src/parse.js": realSourceFile(),
    "src/index.js": "const parse = require('./parse');\nmodule.exports = parse;\n",
    "docs/guide.md": "# Guide\nparse a diff\n",
    "many/a.txt": "needle\n".repeat(30),
    "many/b.txt": "needle\n",
    ".github/workflows/ci.yml": "on: push\n",
  });
  writeFileSync(join(git.dir, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  git.git("add", "logo.png");
  git.git("commit", "-q", "-m", "logo");
  commitSymlink(git, "escape", outside);
  commitSymlink(git, "escape-relative", "../../../../../../../../../../../..");
  commitSymlink(git, "parse-link.js", "src/parse.js");
  commitSymlink(git, "src-link", "src");
  const sha = git.sha("main");
  // What GitHub serves: `git archive` under an `owner-repo-sha7/` folder.
  const archive = spawn("git", ["archive", "--format=tar.gz", `--prefix=octo-org-repo-${sha.slice(0, 7)}/`, sha], { cwd: git.dir, env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
  const root = join(work, "tree");
  mkdirSync(root);
  await extractTarball(archive.stdout as Readable, root, { archiveBytes: 10 * 1024 ** 2, unpackedBytes: 10 * 1024 ** 2 });
  // node-tar already defuses the archive's escaping links (see below); these stand for a tree it missed,
  // so the reader's own check is what is tested.
  symlinkSync(outside, join(root, "planted-escape"));
  symlinkSync("../outside/secret.txt", join(root, "planted-relative"));
  reader = createSnapshotReader({
    root,
    readBase: async (path) => {
      baseReads.push(path);
      return { kind: "missing" };
    },
    onUse: () => {},
    close: async () => {},
  });
});

afterAll(() => {
  git.remove();
  rmSync(work, { recursive: true, force: true });
});

describe("reading a snapshot extracted from a real git archive", () => {
  it("reads text files at the head, with the archive's top folder stripped", async () => {
    expect(await reader.readFile("src/index.js", "head")).toEqual({ kind: "text", text: "const parse = require('./parse');\nmodule.exports = parse;\n" });
    expect(await reader.readFile("./src//index.js", "head")).toMatchObject({ kind: "text" });
    expect(await reader.readFile("src/nope.js", "head")).toEqual({ kind: "missing" });
    expect(await reader.readFile("src", "head")).toMatchObject({ kind: "refused", reason: expect.stringMatching(/directory/) });
  });

  it.each([
    ["../outside/secret.txt", /`\.\.`/],
    ["src/../../outside/secret.txt", /`\.\.`/],
    ["/etc/passwd", /absolute/],
    ["C:/Windows/win.ini", /absolute/],
    ["src\\parse.js", /backslash/],
    ["planted-escape/secret.txt", /symlink that leads outside/],
    ["planted-escape", /symlink that leads outside/],
    ["planted-relative", /symlink that leads outside/],
  ])("refuses %s", async (path, reason) => {
    expect(await reader.readFile(path, "head")).toEqual({ kind: "refused", reason: expect.stringMatching(reason) });
  });

  it("refuses to list through a symlink that leaves the tree", async () => {
    expect(await reader.listFiles("planted-escape", 10)).toMatchObject({ kind: "refused" });
    expect(await reader.listFiles("../", 10)).toMatchObject({ kind: "refused" });
  });

  it("gets no way out from the archive's own escaping symlinks: node-tar makes an absolute target relative and drops one that climbs out", async () => {
    expect(await reader.readFile("escape/secret.txt", "head")).toEqual({ kind: "missing" });
    expect(await reader.listFiles("escape", 10)).toEqual({ kind: "missing" });
    expect(await reader.readFile("escape-relative", "head")).toEqual({ kind: "missing" });
  });

  it("follows a symlink that stays inside the tree", async () => {
    expect(await reader.readFile("parse-link.js", "head")).toEqual({ kind: "text", text: realSourceFile() });
    expect(await reader.readFile("src-link/index.js", "head")).toMatchObject({ kind: "text" });
  });

  it("reports a binary file as binary, with its size", async () => {
    expect(await reader.readFile("logo.png", "head")).toEqual({ kind: "binary", bytes: 12 });
  });

  it("sends reads at the base to the base reader", async () => {
    expect(await reader.readFile("src/old.js", "base")).toEqual({ kind: "missing" });
    expect(baseReads).toEqual(["src/old.js"]);
  });

  it("lists one directory, sorted, with symlinks named as such, capped", async () => {
    expect(await reader.listFiles("", 100)).toEqual({
      kind: "entries",
      entries: [
        { name: ".github", type: "dir" },
        { name: "docs", type: "dir" },
        { name: "escape", type: "symlink" },
        { name: "logo.png", type: "file" },
        { name: "many", type: "dir" },
        { name: "parse-link.js", type: "symlink" },
        { name: "planted-escape", type: "symlink" },
        { name: "planted-relative", type: "symlink" },
        { name: "src", type: "dir" },
        { name: "src-link", type: "symlink" },
      ],
      omitted: 0,
    });
    expect(await reader.listFiles("src", 1)).toEqual({ kind: "entries", entries: [{ name: "index.js", type: "file" }], omitted: 1 });
    expect(await reader.listFiles("src/index.js", 1)).toMatchObject({ kind: "refused" });
    expect(await reader.listFiles("nope", 1)).toEqual({ kind: "missing" });
  });

  it("searches literally, skipping binaries and symlinks, in path order, counting what it leaves out", async () => {
    const result = await reader.searchCode("require('./parse')", null, 10);
    // parse-link.js and src-link/ are symlinks: not searched twice.
    expect(result).toEqual({ kind: "matches", matches: [{ path: "src/index.js", line: 1, text: "const parse = require('./parse');" }], omitted: 0 });
    expect(await reader.searchCode("needle", "many/**", 5)).toEqual({
      kind: "matches",
      matches: [1, 2, 3, 4, 5].map((line) => ({ path: "many/a.txt", line, text: "needle" })),
      omitted: 26,
    });
    expect(await reader.searchCode("needle", "**/b.txt", 5)).toMatchObject({ matches: [{ path: "many/b.txt", line: 1 }], omitted: 0 });
    // Literal, not a regex: `.*` finds the parser's regexes that spell it, `need.e` finds nothing.
    const dotStar = await reader.searchCode(".*", null, 50);
    expect(dotStar.kind === "matches" && dotStar.matches.length).toBeGreaterThan(0);
    expect(dotStar.kind === "matches" && dotStar.matches.every((match) => match.path === "src/parse.js" && match.text.includes(".*"))).toBe(true);
    expect(await reader.searchCode("need.e", null, 5)).toEqual({ kind: "matches", matches: [], omitted: 0 });
    expect(await reader.searchCode("on: push", null, 5)).toMatchObject({ matches: [{ path: ".github/workflows/ci.yml" }] });
    expect(await reader.searchCode("PNG", null, 5)).toEqual({ kind: "matches", matches: [], omitted: 0 });
  });

  it("caps the counting of matches past the returned ones", async () => {
    const result = await reader.searchCode("e", null, 1);
    expect(result.kind === "matches" && result.omitted).toBeLessThanOrEqual(SEARCH_LIMITS.countedBeyond);
    expect(result.kind === "matches" && result.omitted).toBeGreaterThan(0);
  });
});
