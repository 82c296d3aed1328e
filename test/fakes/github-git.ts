import type { GitRepo } from "../support/git-repo.js";
import { parseFakeDiff } from "./github-diff.js";
import { githubUser, pullFile, type FakePullRequest, type FakeRepo } from "./github-fake-state.js";
import type { RouteReply, RouteRequest } from "./github-fake-routes.js";

/*
 * A fake repository backed by a real git repository: pull requests follow their branches (head, base,
 * diff, files) and `GET /compare/{base}...{head}` is computed by git, with GitHub's semantics and caps.
 */

/** GitHub's compare caps, lowered in tests to provoke a truncated comparison. */
export interface CompareLimits {
  /** Files listed at most. GitHub: 300. */
  compareFiles: number;
  /** Commits listed at most without paging (the most recent ones). GitHub: 250. */
  compareCommits: number;
}

const COMPARE_DOCS = "https://docs.github.com/rest/commits/commits#compare-two-commits";

/**
 * Brings a git-backed PR up to date with its branches, as GitHub does on a push to either: the head is
 * the head branch's tip, the diff runs from the merge base of the base branch's tip and the head.
 */
export function syncPullWithGit(repo: FakeRepo, pull: FakePullRequest, origin: string): void {
  const git = repo.git;
  if (!git || !pull.branches) return;
  const headSha = git.resolve(`refs/heads/${pull.branches.head}`);
  const baseSha = git.resolve(`refs/heads/${pull.branches.base}`);
  if (!headSha || !baseSha) throw new Error(`The fake's git repository lacks branch ${pull.branches.head} or ${pull.branches.base}`);
  const key = `${baseSha}...${headSha}`;
  if (pull.branches.synced === key) return;
  const diff = pullDiffText(git, baseSha, headSha);
  const parsed = parseFakeDiff(diff);
  Object.assign(pull, {
    head: { ...pull.head, sha: headSha },
    base: { ...pull.base, sha: pull.branches.recordedBase ?? baseSha },
    diff,
    parsed,
    files: parsed.map((file) => pullFile(file, repo.owner, repo.name, headSha, origin)),
  });
  pull.branches.synced = key;
}

/**
 * The base branch's tip as GraphQL's `baseRef { target { oid } }` shows it: the branch's commit in a git
 * history (whatever base.sha GitHub recorded), else the PR's base sha. Null when the branch is gone.
 */
export function baseTipSha(repo: FakeRepo, pull: FakePullRequest): string | null {
  if (!repo.git || !pull.branches) return pull.base.sha;
  return repo.git.resolve(`refs/heads/${pull.branches.base}`);
}

/** The PR's diff: from the merge base of base and head to head (`base...head`). */
export function pullDiffText(git: GitRepo, base: string, head: string): string {
  const mergeBase = git.mergeBase(base, head);
  if (!mergeBase) throw new Error(`${base} and ${head} share no history`);
  return git.diff(mergeBase, head);
}

/** `GET /repos/{owner}/{repo}/compare/{base}...{head}` over the repository's git history. */
export function compareFromGit(repo: FakeRepo, request: RouteRequest, origin: string, limits: CompareLimits): RouteReply {
  const basehead = request.params.basehead ?? "";
  const parts = /^(.+?)\.\.\.(.+)$/.exec(basehead);
  if (!parts) return { status: 404, json: { message: "Not Found", documentation_url: COMPARE_DOCS, status: "404" }, unexpected: `compare expects BASE...HEAD, got ${basehead}` };
  // Without a history the fake knows no commit, and GitHub answers 404 for an unknown one (a force-push dropped it).
  const git = repo.git;
  const base = git?.resolve(parts[1]!);
  const head = git?.resolve(parts[2]!);
  if (!git || !base || !head) return { status: 404, json: { message: "Not Found", documentation_url: COMPARE_DOCS, status: "404" } };
  const mergeBase = git.mergeBase(base, head);
  if (!mergeBase) return { status: 404, json: { message: `No common ancestor between ${parts[1]} and ${parts[2]}.`, documentation_url: COMPARE_DOCS, status: "404" } };

  const ahead = git.commitsBetween(base, head);
  const behind = git.commitsBetween(head, base);
  const status = ahead.length === 0 ? (behind.length === 0 ? "identical" : "behind") : behind.length === 0 ? "ahead" : "diverged";
  const paged = request.query.has("page") || request.query.has("per_page");
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page")) || 30));
  const page = Math.max(1, Number(request.query.get("page")) || 1);
  // Without paging GitHub lists the most recent commits; with paging, pages run oldest first and files come on page 1 only.
  const listed = paged ? ahead.slice((page - 1) * perPage, page * perPage) : ahead.slice(-limits.compareCommits);
  const files = paged && page > 1 ? [] : parseFakeDiff(git.diff(mergeBase, head)).slice(0, limits.compareFiles);
  const web = `${origin}/${repo.owner}/${repo.name}`;
  return {
    status: 200,
    json: {
      url: `${origin}/api/v3/repos/${repo.owner}/${repo.name}/compare/${basehead}`,
      html_url: `${web}/compare/${basehead}`,
      permalink_url: `${web}/compare/${repo.owner}:${base}...${repo.owner}:${head}`,
      diff_url: `${web}/compare/${basehead}.diff`,
      patch_url: `${web}/compare/${basehead}.patch`,
      base_commit: commitJson(repo, git, base, origin),
      merge_base_commit: commitJson(repo, git, mergeBase, origin),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: listed.map((sha) => commitJson(repo, git, sha, origin)),
      files: files.map((file) => pullFile(file, repo.owner, repo.name, head, origin)),
    },
  };
}

/** GitHub's `commit` schema for one commit of the history. */
function commitJson(repo: FakeRepo, git: GitRepo, sha: string, origin: string): Record<string, unknown> {
  const info = git.commitInfo(sha);
  const api = `${origin}/api/v3/repos/${repo.owner}/${repo.name}`;
  const web = `${origin}/${repo.owner}/${repo.name}`;
  const person = githubUser("octocat");
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: Buffer.from(`04:Commit${sha}`).toString("base64"),
    html_url: `${web}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: info.author,
      committer: info.committer,
      message: info.message,
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: person,
    committer: person,
    parents: info.parents.map((parent) => ({ sha: parent, url: `${api}/commits/${parent}`, html_url: `${web}/commit/${parent}` })),
  };
}
