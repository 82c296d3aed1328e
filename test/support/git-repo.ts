import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** New contents by path; null deletes the file. A function edits the branch's files in place. */
export type FileChanges = Record<string, string | null> | ((files: Map<string, string>) => void);

/**
 * A real git repository in a temp folder, with branches, merges and rewritten history, for tests that
 * need GitHub's view of a repository (the GitHub fake answers compare and PR diffs from one).
 */
export interface GitRepo {
  dir: string;
  /** Commits `changes` on `branch` (created from `from`, default `main`, when new); returns the commit's sha. */
  commit(branch: string, changes: FileChanges, message?: string): string;
  /** Merges `from` into `into` with a merge commit, as GitHub's "Update branch" does; returns its sha. */
  merge(into: string, from: string): string;
  /** Points `branch` at `ref` (a force push when followed by commits). */
  reset(branch: string, ref: string): void;
  /** The full sha of a ref or commit, or null when the repository does not have it. */
  resolve(ref: string): string | null;
  sha(ref: string): string;
  /** `git diff -M from to`, as GitHub renders diffs (no colour, renames detected). */
  diff(from: string, to: string): string;
  mergeBase(a: string, b: string): string | null;
  /** Commits reachable from `head` but not from `base`, oldest first. */
  commitsBetween(base: string, head: string): string[];
  /** A commit's tree, parents, people and message, for GitHub's commit JSON. */
  commitInfo(sha: string): GitCommitInfo;
  /** Raw `git` with the repository's isolated config. */
  git(...args: string[]): string;
  remove(): void;
}

export interface GitCommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

const ENV = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Octo Cat",
  GIT_AUTHOR_EMAIL: "octocat@example.com",
  GIT_COMMITTER_NAME: "Octo Cat",
  GIT_COMMITTER_EMAIL: "octocat@example.com",
};

/** Creates the repository with one commit of `files` on `main`. */
export function createGitRepo(files: Record<string, string>): GitRepo {
  const dir = mkdtempSync(join(tmpdir(), "codex-review-repo-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 64 * 1024 * 1024 });
  let tick = 0;
  // Distinct, increasing commit dates keep shas and `git log` order deterministic within a test.
  const dated = (...args: string[]) => {
    tick++;
    const date = `${1_700_000_000 + tick * 60} +0000`;
    return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  };
  const resolve = (ref: string) => {
    try {
      return git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`).trim() || null;
    } catch {
      return null;
    }
  };
  const checkout = (branch: string, from: string) => {
    if (git("symbolic-ref", "--short", "HEAD").trim() === branch) return; // also the unborn main of a new repo
    if (resolve(`refs/heads/${branch}`)) git("checkout", "-q", branch);
    else git("checkout", "-q", "-b", branch, from);
  };
  const trackedFiles = () => {
    const files = new Map<string, string>();
    for (const path of git("ls-files", "-z").split("\0").filter(Boolean)) files.set(path, readFileSync(join(dir, path), "utf8"));
    return files;
  };

  const repo: GitRepo = {
    dir,
    git,
    commit(branch, changes, message = `change on ${branch}`) {
      checkout(branch, "main");
      const before = trackedFiles();
      const after = new Map(before);
      if (typeof changes === "function") changes(after);
      else for (const [path, content] of Object.entries(changes)) content === null ? after.delete(path) : after.set(path, content);
      for (const path of before.keys()) if (!after.has(path)) unlinkSync(join(dir, path));
      for (const [path, content] of after) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      git("add", "-A");
      dated("commit", "-q", "--allow-empty", "-m", message);
      return repo.sha("HEAD");
    },
    merge(into, from) {
      git("checkout", "-q", into);
      dated("merge", "-q", "--no-ff", "--no-edit", "-m", `Merge branch '${from}' into ${into}`, from);
      return repo.sha("HEAD");
    },
    reset(branch, ref) {
      git("checkout", "-q", "-B", branch, ref);
    },
    resolve,
    sha(ref) {
      const sha = resolve(ref);
      if (!sha) throw new Error(`git has no ${ref}`);
      return sha;
    },
    diff: (from, to) => git("diff", "--no-color", "--no-ext-diff", "-M", from, to),
    mergeBase(a, b) {
      try {
        return git("merge-base", a, b).trim() || null;
      } catch {
        return null;
      }
    },
    commitInfo(sha) {
      const [commit, tree, parents, an, ae, ad, cn, ce, cd, message] = git("show", "-s", "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B", sha).split("\0");
      const iso = (date = "") => new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
      return {
        sha: commit!,
        tree: tree!,
        parents: parents ? parents.split(" ").filter(Boolean) : [],
        author: { name: an!, email: ae!, date: iso(ad) },
        committer: { name: cn!, email: ce!, date: iso(cd) },
        message: (message ?? "").replace(/\n+$/, ""),
      };
    },
    commitsBetween: (base, head) => git("rev-list", "--reverse", `${base}..${head}`).split("\n").filter(Boolean),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  git("init", "-q", "-b", "main");
  repo.commit("main", files, "initial commit");
  return repo;
}

/** Replaces line `lineNumber` (1-based) of `path`. */
export function setLine(path: string, lineNumber: number, text: string): FileChanges {
  return (files) => {
    const lines = files.get(path)!.split("\n");
    lines[lineNumber - 1] = text;
    files.set(path, lines.join("\n"));
  };
}

/** Applies several edits in one commit. */
export function allOf(...changes: FileChanges[]): FileChanges {
  return (files) => {
    for (const change of changes) {
      if (typeof change === "function") change(files);
      else for (const [path, content] of Object.entries(change)) content === null ? files.delete(path) : files.set(path, content);
    }
  };
}
