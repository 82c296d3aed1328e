import { createHash } from "node:crypto";
import type { GitRepo } from "../support/git-repo.js";
import { parseFakeDiff, type FakeDiffFile } from "./github-diff.js";

/*
 * The GitHub fake's state, and the GitHub-shaped JSON it answers with. Objects are stored in the shape
 * GitHub returns them (snake_case), so routes hand them out as they are.
 */

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface GithubUser {
  login: string;
  id: number;
  node_id: string;
  type: "User" | "Bot" | "Organization";
  site_admin: false;
}

/** One entry of `GET /pulls/:n/files`. */
export interface GithubPullFile {
  sha: string;
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  blob_url: string;
  raw_url: string;
  contents_url: string;
  patch?: string;
  previous_filename?: string;
}

export interface GithubReviewComment {
  id: number;
  node_id: string;
  pull_request_review_id: number;
  path: string;
  line: number | null;
  side: "LEFT" | "RIGHT";
  start_line: number | null;
  start_side: "LEFT" | "RIGHT" | null;
  original_line: number | null;
  original_start_line: number | null;
  position: number | null;
  original_position: number | null;
  subject_type: "line";
  diff_hunk: string;
  body: string;
  /** Set on replies: the id of the thread's first comment. */
  in_reply_to_id?: number;
  commit_id: string;
  original_commit_id: string;
  user: GithubUser;
  author_association: string;
  created_at: string;
  updated_at: string;
  html_url: string;
  url: string;
  pull_request_url: string;
}

export interface GithubReview {
  id: number;
  node_id: string;
  user: GithubUser;
  body: string;
  state: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED" | "PENDING";
  html_url: string;
  pull_request_url: string;
  author_association: string;
  commit_id: string;
  submitted_at?: string;
  _links: { html: { href: string }; pull_request: { href: string } };
}

export interface GithubIssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GithubUser;
  author_association: string;
  created_at: string;
  updated_at: string;
}

export interface GithubReaction {
  id: number;
  node_id: string;
  user: GithubUser;
  content: string;
  created_at: string;
}

export interface GithubCheckRun {
  id: number;
  node_id: string;
  head_sha: string;
  external_id: string | null;
  url: string;
  html_url: string;
  details_url: string | null;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  name: string;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number; annotations_url: string };
  check_suite: { id: number };
  app: { id: number; slug: string; name: string };
  pull_requests: unknown[];
}

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  draft: boolean;
  state: "open" | "closed";
  user: GithubUser;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  /** Owner of the fork the head branch lives in; unset for a branch of the repository itself. */
  fork?: string;
  /** A read replica behind the last push: the next `reads` reads of the PR still show head `sha`. */
  laggingHead?: { sha: string; reads: number };
  /** The unified diff served with the diff media type. */
  diff: string;
  /** A replica behind the last push: the next `reads` reads of the PR's diff still serve the previous push's (`files` in it). */
  staleDiff?: { diff: string; files: number; reads: number };
  /**
   * Set when the repository has a git history: the PR follows these branches (see syncPullWithGit).
   * `recordedBase`: the base sha GitHub keeps recording (base.sha, baseRefOid) while the base branch moves
   * on (github/docs#431; set by the fake's `staleBase`); the PR's diff still runs from the branch's tip.
   */
  branches?: { base: string; head: string; synced?: string; recordedBase?: string };
  /** The fake's own parse of `diff`, which review comments are checked against. */
  parsed: FakeDiffFile[];
  files: GithubPullFile[];
  createdAt: string;
  reviews: GithubReview[];
  /** Review comments by review id. */
  reviewComments: Map<number, GithubReviewComment[]>;
}

export interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  pulls: Map<number, FakePullRequest>;
  permissions: Map<string, RepoPermission>;
  /** Issue comments by comment id, with the issue (PR) number they belong to. */
  issueComments: Map<number, { number: number; comment: GithubIssueComment; reactions: GithubReaction[] }>;
  /** Ids of issue comments deleted on GitHub: requests about them answer 404 like GitHub, not as a test's surprise. */
  deletedIssueComments: Set<number>;
  checkRuns: Map<number, GithubCheckRun>;
  /** File contents at the default branch, for `GET /contents/:path` (repo config). */
  contents: Map<string, string>;
  /** The repository's real history, when a test gave it one: compare and git-backed PRs are computed from it. */
  git?: GitRepo;
  /** GraphQL `Repository.diskUsage` (KiB); null (GitHub's answer when it does not know) unless a test sets it. */
  diskUsageKb?: number;
}

export interface GithubFakeState {
  appId: number;
  appSlug: string;
  installationId: number;
  /** Further installations the fake knows (each gets its own tokens), e.g. to spread Octokit's per-installation throttling in a load test. */
  extraInstallationIds: number[];
  /** Keyed by lower-case `owner/repo`, as GitHub matches them case-insensitively. */
  repos: Map<string, FakeRepo>;
  /** Installation tokens handed out, newest last. */
  issuedTokens: { token: string; installationId: number; expiresAt: string }[];
  /** Tokens accepted without an access-token exchange (plain Octokit in tests). */
  staticTokens: Set<string>;
  nextId: number;
}

export interface AddPullRequestInput {
  owner: string;
  repo: string;
  number: number;
  /** The PR's diff; not needed with `branches`. */
  diff?: string;
  /** Branches of the repo's git history (see useGitHistory) the PR follows; its head, base and diff come from them. */
  branches?: { base: string; head: string };
  title?: string;
  body?: string | null;
  draft?: boolean;
  state?: "open" | "closed";
  /** Author; a string is a user login. Default: `octocat`. */
  user?: string | { login: string; type?: "User" | "Bot" };
  /** Default: a sha derived from the diff. */
  headSha?: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  /** Replaces the file list derived from the diff (e.g. to drop `patch` of a huge file, as GitHub does). */
  files?: GithubPullFile[];
  /** The head branch lives in this user's fork (GitHub then leaves `check_run.pull_requests` empty). */
  fork?: string;
}

export function nextId(state: GithubFakeState): number {
  return state.nextId++;
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export function ensureRepo(state: GithubFakeState, owner: string, name: string): FakeRepo {
  const key = repoKey(owner, name);
  let repo = state.repos.get(key);
  if (!repo) {
    repo = {
      owner,
      name,
      id: nextId(state),
      pulls: new Map(),
      permissions: new Map(),
      issueComments: new Map(),
      deletedIssueComments: new Set(),
      checkRuns: new Map(),
      contents: new Map(),
    };
    state.repos.set(key, repo);
  }
  return repo;
}

export function buildPullRequest(state: GithubFakeState, input: AddPullRequestInput & { diff: string }, origin: string): FakePullRequest {
  const parsed = parseFakeDiff(input.diff);
  const headSha = input.headSha ?? sha1(`head:${input.owner}/${input.repo}#${input.number}:${input.diff}`);
  const author = typeof input.user === "string" || input.user === undefined ? { login: input.user ?? "octocat" } : input.user;
  return {
    owner: input.owner,
    repo: input.repo,
    number: input.number,
    title: input.title ?? `Pull request #${input.number}`,
    body: input.body === undefined ? "" : input.body,
    draft: input.draft ?? false,
    state: input.state ?? "open",
    user: githubUser(author.login, author.type ?? "User"),
    head: { sha: headSha, ref: input.headRef ?? `feature-${input.number}` },
    ...(input.fork === undefined ? {} : { fork: input.fork }),
    base: { sha: input.baseSha ?? sha1(`base:${input.owner}/${input.repo}#${input.number}`), ref: input.baseRef ?? "main" },
    diff: input.diff,
    parsed,
    files: input.files ?? parsed.map((file) => pullFile(file, input.owner, input.repo, headSha, origin)),
    createdAt: new Date().toISOString(),
    reviews: [],
    reviewComments: new Map(),
  };
}

export function pullFile(file: FakeDiffFile, owner: string, repo: string, headSha: string, origin: string): GithubPullFile {
  const path = file.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: sha1(`blob:${file.filename}:${file.patch ?? ""}`),
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${origin}/${owner}/${repo}/blob/${headSha}/${path}`,
    raw_url: `${origin}/${owner}/${repo}/raw/${headSha}/${path}`,
    contents_url: `${origin}/api/v3/repos/${owner}/${repo}/contents/${path}?ref=${headSha}`,
    ...(file.patch === null ? {} : { patch: file.patch }),
    ...(file.previousFilename === null ? {} : { previous_filename: file.previousFilename }),
  };
}

export function githubUser(login: string, type: GithubUser["type"] = "User"): GithubUser {
  const id = parseInt(sha1(login).slice(0, 7), 16);
  return { login, id, node_id: Buffer.from(`04:User${id}`).toString("base64"), type, site_admin: false };
}

export function appBotUser(state: GithubFakeState): GithubUser {
  return githubUser(`${state.appSlug}[bot]`, "Bot");
}

export function repoJson(repo: FakeRepo, origin: string): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    owner: githubUser(repo.owner, "Organization"),
    html_url: `${origin}/${repo.owner}/${repo.name}`,
    url: `${origin}/api/v3/repos/${repo.owner}/${repo.name}`,
    default_branch: "main",
  };
}

/** The head SHA one read of the PR sees: an older one while a lagging replica answers (`laggingHead`). */
export function readHeadSha(pull: FakePullRequest): string {
  const lag = pull.laggingHead;
  if (!lag || lag.reads <= 0) return pull.head.sha;
  lag.reads--;
  return lag.sha;
}

export function pullJson(repo: FakeRepo, pull: FakePullRequest, origin: string): Record<string, unknown> {
  const api = `${origin}/api/v3/repos/${repo.owner}/${repo.name}`;
  const html = `${origin}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const repository = repoJson(repo, origin);
  const additions = pull.parsed.reduce((sum, file) => sum + file.additions, 0);
  const deletions = pull.parsed.reduce((sum, file) => sum + file.deletions, 0);
  const reviewComments = [...pull.reviewComments.values()].reduce((sum, list) => sum + list.length, 0);
  const comments = [...repo.issueComments.values()].filter((entry) => entry.number === pull.number).length;
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.number * 1_000 + repo.id,
    node_id: Buffer.from(`011:PullRequest${pull.number}`).toString("base64"),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: pull.user,
    body: pull.body,
    labels: [],
    created_at: pull.createdAt,
    updated_at: pull.createdAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    draft: pull.draft,
    head: headJson(repo, pull, repository, origin),
    base: { label: `${repo.owner}:${pull.base.ref}`, ref: pull.base.ref, sha: pull.base.sha, user: repository.owner, repo: repository },
    author_association: "CONTRIBUTOR",
    merged: false,
    mergeable: null,
    comments,
    review_comments: reviewComments,
    commits: 1,
    additions,
    deletions,
    changed_files: pull.files.length,
  };
}

function headJson(repo: FakeRepo, pull: FakePullRequest, repository: Record<string, unknown>, origin: string): Record<string, unknown> {
  const sha = readHeadSha(pull);
  if (pull.fork === undefined) return { label: `${repo.owner}:${pull.head.ref}`, ref: pull.head.ref, sha, user: repository.owner, repo: repository };
  const owner = githubUser(pull.fork);
  const forkRepo = { ...repository, id: repo.id + 1, owner, full_name: `${pull.fork}/${repo.name}`, html_url: `${origin}/${pull.fork}/${repo.name}`, url: `${origin}/api/v3/repos/${pull.fork}/${repo.name}`, fork: true };
  return { label: `${pull.fork}:${pull.head.ref}`, ref: pull.head.ref, sha, user: owner, repo: forkRepo };
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
