import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import {
  appBotUser,
  githubUser,
  nextId,
  pullJson,
  repoKey,
  sha1,
  type FakePullRequest,
  type FakeRepo,
  type GithubCheckRun,
  type GithubFakeState,
  type GithubIssueComment,
  type GithubReview,
  type GithubReviewComment,
  type GithubUser,
  type RepoPermission,
} from "./github-fake-state.js";
import { compareFromGit, syncPullWithGit, type CompareLimits } from "./github-git.js";
import { COMMIT_ROUTES } from "./github-fake-commit-routes.js";
import { compareDiffReply, diffReply, readPullDiff } from "./github-diff-replies.js";
import { ARCHIVE_ROUTES } from "./github-fake-archive-routes.js";
import { contentsFromGit } from "./github-git-contents.js";
import { MAX_BODY_LENGTH, validateReview } from "./github-review-validation.js";

/*
 * The GitHub REST routes the fake serves, with GitHub's paths, status codes and JSON shapes. Anything
 * else is a 404 the server records as unexpected.
 */

export interface RouteRequest {
  method: string;
  /** API path without `/api/v3` and without the query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface RouteReply {
  status: number;
  json?: unknown;
  /** A non-JSON body (diffs, raw file contents). */
  text?: string;
  /** A binary body (raw file contents, a substituted archive). */
  bytes?: Buffer;
  /** A body streamed as it is made, without Content-Length (archives). */
  stream?: () => Readable;
  contentType?: string;
  headers?: Record<string, string>;
  /** Set when the request names something the test never set up: the server records it as unexpected. */
  unexpected?: string;
  /** Send the answer this many ms late (an injected fault's `delayMs`). */
  delayMs?: number;
}

export interface RouteEnv {
  state: GithubFakeState;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  limits: { diffLines: number; diffFiles: number; compareDiffWhole: boolean } & CompareLimits;
}

/** `jwt`: the App's own endpoints; `token`: everything an installation token opens. */
export type RouteAuth = "jwt" | "token";

export interface Route {
  method: string;
  pattern: string;
  auth: RouteAuth;
  handle(request: RouteRequest, env: RouteEnv): RouteReply;
}

const DOCS = {
  createReview: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
  issueComments: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  getIssueComment: "https://docs.github.com/rest/issues/comments#get-an-issue-comment",
  reactions: "https://docs.github.com/rest/reactions/reactions#create-reaction-for-an-issue-comment",
  checkRuns: "https://docs.github.com/rest/checks/runs#create-a-check-run",
  contents: "https://docs.github.com/rest/repos/contents#get-repository-content",
  rest: "https://docs.github.com/rest",
};

export const INSTALLATION_PERMISSIONS = {
  checks: "write",
  contents: "read",
  issues: "write",
  metadata: "read",
  pull_requests: "write",
} as const;

const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];
const CHECK_STATUSES = ["queued", "in_progress", "completed"];
const CHECK_CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];
/** GitHub lists at most this many files for a pull request. */
const MAX_LISTED_FILES = 3_000;

export function notFound(unexpected: string | undefined, documentationUrl = DOCS.rest): RouteReply {
  return { status: 404, json: { message: "Not Found", documentation_url: documentationUrl, status: "404" }, unexpected };
}

function unprocessable(errors: string[], documentationUrl: string): RouteReply {
  return { status: 422, json: { message: "Unprocessable Entity", errors, documentation_url: documentationUrl, status: "422" } };
}

function invalidRequest(detail: string, documentationUrl: string): RouteReply {
  return { status: 422, json: { message: `Invalid request.\n\n${detail}`, documentation_url: documentationUrl, status: "422" } };
}

function validationFailed(errors: object[], documentationUrl: string): RouteReply {
  return { status: 422, json: { message: "Validation Failed", errors, documentation_url: documentationUrl, status: "422" } };
}

/** GitHub's timestamps have no milliseconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function findRepo(env: RouteEnv, params: Record<string, string>): FakeRepo | undefined {
  return env.state.repos.get(repoKey(params.owner ?? "", params.repo ?? ""));
}

/** The repo and PR a route names, or the 404 to answer (recorded: the test never set them up). */
function findPull(env: RouteEnv, params: Record<string, string>): { repo: FakeRepo; pull: FakePullRequest } | RouteReply {
  const repo = findRepo(env, params);
  if (!repo) return notFound(`repository ${params.owner}/${params.repo} is not in the fake`);
  const pull = /^\d+$/.test(params.number ?? "") ? repo.pulls.get(Number(params.number)) : undefined;
  if (!pull) return notFound(`pull request ${params.owner}/${params.repo}#${params.number} is not in the fake`);
  syncPullWithGit(repo, pull, env.origin);
  return { repo, pull };
}

function isReply(value: object): value is RouteReply {
  return "status" in value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** GitHub's pagination: `per_page` (default 30, max 100), `page` (from 1), and a Link header. */
export function paginate(items: unknown[], request: RouteRequest, env: RouteEnv): RouteReply {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page")) || 30));
  const page = Math.max(1, Number(request.query.get("page")) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (target: number, rel: string) => {
    const query = new URLSearchParams(request.query);
    query.set("per_page", String(perPage));
    query.set("page", String(target));
    return `<${env.origin}/api/v3${request.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < lastPage) links.push(link(page + 1, "next"), link(lastPage, "last"));
  if (page > 1) links.push(link(1, "first"));
  return {
    status: 200,
    json: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

function installationJson(env: RouteEnv, account: string): Record<string, unknown> {
  const { state, origin } = env;
  const owner = githubUser(account, "Organization");
  return {
    id: state.installationId,
    account: owner,
    repository_selection: "all",
    access_tokens_url: `${origin}/api/v3/app/installations/${state.installationId}/access_tokens`,
    repositories_url: `${origin}/api/v3/installation/repositories`,
    html_url: `${origin}/organizations/${account}/settings/installations/${state.installationId}`,
    app_id: state.appId,
    app_slug: state.appSlug,
    target_id: owner.id,
    target_type: "Organization",
    permissions: INSTALLATION_PERMISSIONS,
    events: ["issue_comment", "pull_request"],
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    single_file_name: null,
    suspended_at: null,
    suspended_by: null,
  };
}

function knowsInstallation(state: GithubFakeState, id: string | undefined): boolean {
  return id === String(state.installationId) || state.extraInstallationIds.some((extra) => String(extra) === id);
}

const REVIEW_STATES = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" } as const;

function createReview(request: RouteRequest, env: RouteEnv): RouteReply {
  const found = findPull(env, request.params);
  if (isReply(found)) return found;
  const { repo, pull } = found;
  const result = validateReview(request.body, pull.parsed, pull.head.sha);
  if (!result.ok) {
    return result.kind === "invalid" ? invalidRequest(result.message.replace(/^Invalid request\.\n\n/, ""), DOCS.createReview) : unprocessable(result.errors, DOCS.createReview);
  }
  const { review } = result;
  const bot = appBotUser(env.state);
  if (review.event === null && pull.reviews.some((existing) => existing.state === "PENDING" && existing.user.login === bot.login)) {
    return unprocessable(["User can only have one pending review per pull request"], DOCS.createReview);
  }

  const id = nextId(env.state);
  const now = timestamp();
  const html = `${env.origin}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const api = `${env.origin}/api/v3/repos/${repo.owner}/${repo.name}`;
  const stored: GithubReview = {
    id,
    node_id: Buffer.from(`017:PullRequestReview${id}`).toString("base64"),
    user: bot,
    body: review.body,
    state: review.event === null ? "PENDING" : REVIEW_STATES[review.event],
    html_url: `${html}#pullrequestreview-${id}`,
    pull_request_url: `${api}/pulls/${pull.number}`,
    author_association: "NONE",
    commit_id: review.commitId,
    ...(review.event === null ? {} : { submitted_at: now }),
    _links: { html: { href: `${html}#pullrequestreview-${id}` }, pull_request: { href: `${api}/pulls/${pull.number}` } },
  };
  const comments: GithubReviewComment[] = review.comments.map((comment) => {
    const commentId = nextId(env.state);
    return {
      id: commentId,
      node_id: Buffer.from(`024:PullRequestReviewComment${commentId}`).toString("base64"),
      pull_request_review_id: id,
      path: comment.path,
      line: comment.line,
      side: comment.side,
      start_line: comment.startLine,
      start_side: comment.startSide,
      original_line: comment.line,
      original_start_line: comment.startLine,
      position: comment.position,
      original_position: comment.position,
      subject_type: "line",
      diff_hunk: comment.diffHunk,
      body: comment.body,
      commit_id: review.commitId,
      original_commit_id: review.commitId,
      user: bot,
      author_association: "NONE",
      created_at: now,
      updated_at: now,
      html_url: `${html}#discussion_r${commentId}`,
      url: `${api}/pulls/comments/${commentId}`,
      pull_request_url: `${api}/pulls/${pull.number}`,
    };
  });
  pull.reviews.push(stored);
  pull.reviewComments.set(id, comments);
  // Create-a-review answers 200, not 201.
  return { status: 200, json: stored };
}

/** A review comment by id, wherever it is in the repository. */
function findReviewComment(env: RouteEnv, params: Record<string, string>): { pull: FakePullRequest; comment: GithubReviewComment } | undefined {
  const id = Number(params.comment_id);
  for (const pull of findRepo(env, params)?.pulls.values() ?? []) {
    for (const comments of pull.reviewComments.values()) {
      const comment = comments.find((entry) => entry.id === id);
      if (comment) return { pull, comment };
    }
  }
  return undefined;
}

/** Adds a reply to a thread, as GitHub does: same place as the parent, `in_reply_to_id` = the thread's first comment. */
export function threadReply(env: { state: GithubFakeState }, pull: FakePullRequest, parent: GithubReviewComment, body: string, user: GithubUser): GithubReviewComment {
  const id = nextId(env.state);
  const now = timestamp();
  const reply: GithubReviewComment = {
    ...parent,
    id,
    node_id: Buffer.from(`024:PullRequestReviewComment${id}`).toString("base64"),
    body,
    user,
    in_reply_to_id: parent.in_reply_to_id ?? parent.id,
    created_at: now,
    updated_at: now,
    html_url: parent.html_url.replace(/#discussion_r\d+$/, `#discussion_r${id}`),
    url: parent.url.replace(/\d+$/, String(id)),
  };
  const thread = pull.reviewComments.get(parent.pull_request_review_id) ?? [];
  thread.push(reply);
  pull.reviewComments.set(parent.pull_request_review_id, thread);
  return reply;
}

function createIssueComment(request: RouteRequest, env: RouteEnv): RouteReply {
  const found = findPull(env, { ...request.params, number: request.params.issue_number ?? "" });
  if (isReply(found)) return found;
  const { repo, pull } = found;
  const problem = issueCommentBodyProblem(request.body);
  if (problem) return problem;
  const id = nextId(env.state);
  const now = timestamp();
  const api = `${env.origin}/api/v3/repos/${repo.owner}/${repo.name}`;
  const comment: GithubIssueComment = {
    id,
    node_id: Buffer.from(`012:IssueComment${id}`).toString("base64"),
    url: `${api}/issues/comments/${id}`,
    html_url: `${env.origin}/${repo.owner}/${repo.name}/pull/${pull.number}#issuecomment-${id}`,
    issue_url: `${api}/issues/${pull.number}`,
    body: (request.body as { body: string }).body,
    user: appBotUser(env.state),
    author_association: "NONE",
    created_at: now,
    updated_at: now,
  };
  repo.issueComments.set(id, { number: pull.number, comment, reactions: [] });
  return { status: 201, json: comment };
}

function issueCommentBodyProblem(body: unknown): RouteReply | null {
  if (!isRecord(body) || typeof body.body !== "string" || body.body === "") {
    return validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], DOCS.issueComments);
  }
  if (body.body.length > MAX_BODY_LENGTH) {
    return validationFailed(
      [{ resource: "IssueComment", code: "custom", field: "body", message: `body is too long (maximum is ${MAX_BODY_LENGTH} characters)` }],
      DOCS.issueComments,
    );
  }
  return null;
}

/** Check-run fields GitHub validates; returns the 422 to answer, or null. */
function checkRunProblem(body: Record<string, unknown>, creating: boolean): RouteReply | null {
  for (const field of creating ? ["name", "head_sha"] : []) {
    if (typeof body[field] !== "string" || body[field] === "") return invalidRequest(`"${field}" wasn't supplied.`, DOCS.checkRuns);
  }
  if (body.status !== undefined && !CHECK_STATUSES.includes(body.status as string)) {
    return invalidRequest(`For 'properties/status', ${JSON.stringify(body.status)} is not one of ${JSON.stringify(CHECK_STATUSES)}.`, DOCS.checkRuns);
  }
  if (body.conclusion !== undefined && !CHECK_CONCLUSIONS.includes(body.conclusion as string)) {
    return invalidRequest(`For 'properties/conclusion', ${JSON.stringify(body.conclusion)} is not one of ${JSON.stringify(CHECK_CONCLUSIONS)}.`, DOCS.checkRuns);
  }
  if (body.status === "completed" && body.conclusion === undefined) return invalidRequest(`"conclusion" wasn't supplied.`, DOCS.checkRuns);
  if (body.output !== undefined) {
    if (!isRecord(body.output) || typeof body.output.title !== "string" || typeof body.output.summary !== "string") {
      return invalidRequest(`For 'properties/output', "title" and "summary" are required.`, DOCS.checkRuns);
    }
    if (body.output.summary.length > 65_535 || (typeof body.output.text === "string" && body.output.text.length > 65_535)) {
      return unprocessable(["Output summary and text are limited to 65535 characters"], DOCS.checkRuns);
    }
    if (Array.isArray(body.output.annotations) && body.output.annotations.length > 50) {
      return unprocessable(["Only 50 annotations are allowed per request"], DOCS.checkRuns);
    }
  }
  return null;
}

function applyCheckRun(run: GithubCheckRun, body: Record<string, unknown>): void {
  if (typeof body.name === "string") run.name = body.name;
  if (typeof body.details_url === "string") run.details_url = body.details_url;
  if (typeof body.external_id === "string") run.external_id = body.external_id;
  if (typeof body.started_at === "string") run.started_at = body.started_at;
  if (body.conclusion !== undefined) {
    // A conclusion completes the run, as on GitHub.
    run.conclusion = body.conclusion as string;
    run.status = "completed";
  }
  if (body.status !== undefined) run.status = body.status as GithubCheckRun["status"];
  if (run.status === "completed") run.completed_at = typeof body.completed_at === "string" ? body.completed_at : (run.completed_at ?? timestamp());
  if (isRecord(body.output)) {
    run.output = {
      ...run.output,
      title: body.output.title as string,
      summary: body.output.summary as string,
      text: typeof body.output.text === "string" ? body.output.text : run.output.text,
      annotations_count: run.output.annotations_count + (Array.isArray(body.output.annotations) ? body.output.annotations.length : 0),
    };
  }
}

const PERMISSION_LEVEL: Record<RepoPermission, "admin" | "write" | "read" | "none"> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

export const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: "/app",
    auth: "jwt",
    handle: (_request, { state, origin }) => ({
      status: 200,
      json: {
        id: state.appId,
        slug: state.appSlug,
        node_id: Buffer.from(`03:Integration${state.appId}`).toString("base64"),
        owner: githubUser("octo-org", "Organization"),
        name: state.appSlug,
        description: "",
        external_url: origin,
        html_url: `${origin}/apps/${state.appSlug}`,
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
        permissions: INSTALLATION_PERMISSIONS,
        events: ["issue_comment", "pull_request"],
        installations_count: 1,
      },
    }),
  },
  {
    method: "GET",
    pattern: "/app/installations/:installation_id",
    auth: "jwt",
    handle: (request, env) => {
      if (!knowsInstallation(env.state, request.params.installation_id)) return notFound(`installation ${request.params.installation_id} is not in the fake`);
      const account = [...env.state.repos.values()][0]?.owner ?? "octo-org";
      return { status: 200, json: installationJson(env, account) };
    },
  },
  {
    method: "POST",
    pattern: "/app/installations/:installation_id/access_tokens",
    auth: "jwt",
    handle: (request, env) => {
      if (!knowsInstallation(env.state, request.params.installation_id)) return notFound(`installation ${request.params.installation_id} is not in the fake`);
      const token = `ghs_${sha1(`${Date.now()}:${Math.random()}`).slice(0, 36)}`;
      const expiresAt = timestamp(new Date(Date.now() + 3_600_000));
      env.state.issuedTokens.push({ token, installationId: Number(request.params.installation_id), expiresAt });
      return { status: 201, json: { token, expires_at: expiresAt, permissions: INSTALLATION_PERMISSIONS, repository_selection: "all" } };
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/installation",
    auth: "jwt",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      if (!repo) return notFound(`repository ${request.params.owner}/${request.params.repo} is not in the fake`);
      return { status: 200, json: installationJson(env, repo.owner) };
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/:number",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      if (isReply(found)) return found;
      const { repo, pull } = found;
      const accept = String(request.headers.accept ?? "");
      if (/\.patch\b/.test(accept)) return notFound("the patch media type is not served by the fake");
      if (!/\.diff\b/.test(accept)) return { status: 200, json: pullJson(repo, pull, env.origin) };
      const read = readPullDiff(pull);
      return diffReply(read.diff, read.files, env.limits, "pull");
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/:number/files",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      return isReply(found) ? found : paginate(found.pull.files.slice(0, MAX_LISTED_FILES), request, env);
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/:number/reviews",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      return isReply(found) ? found : paginate(found.pull.reviews, request, env);
    },
  },
  { method: "POST", pattern: "/repos/:owner/:repo/pulls/:number/reviews", auth: "token", handle: createReview },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/:number/reviews/:review_id/comments",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      if (isReply(found)) return found;
      const comments = found.pull.reviewComments.get(Number(request.params.review_id));
      return comments ? paginate(comments, request, env) : notFound(`review ${request.params.review_id} is not in the fake`);
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/comments/:comment_id",
    auth: "token",
    handle: (request, env) => {
      const found = findReviewComment(env, request.params);
      return found ? { status: 200, json: found.comment } : notFound(`review comment ${request.params.comment_id} is not in the fake`);
    },
  },
  {
    method: "POST",
    pattern: "/repos/:owner/:repo/pulls/:number/comments/:comment_id/replies",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      if (isReply(found)) return found;
      const parent = findReviewComment(env, request.params);
      if (!parent || parent.pull !== found.pull) return notFound(`review comment ${request.params.comment_id} is not on this pull request`);
      const body = isRecord(request.body) ? request.body.body : undefined;
      if (typeof body !== "string" || body.trim() === "") return invalidRequest("Invalid request.\n\nbody is missing.", DOCS.rest);
      const reply = threadReply(env, found.pull, parent.comment, body, appBotUser(env.state));
      return { status: 201, json: reply };
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/compare/:basehead",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      if (!repo) return notFound(`repository ${request.params.owner}/${request.params.repo} is not in the fake`);
      const accept = String(request.headers.accept ?? "");
      if (/\.patch\b/.test(accept)) return notFound("the patch media type is not served by the fake");
      if (/\.diff\b/.test(accept)) return compareDiffReply(repo, request.params.basehead ?? "", env.limits, env.origin);
      return compareFromGit(repo, request, env.origin, env.limits);
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/pulls/:number/comments",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, request.params);
      return isReply(found) ? found : paginate([...found.pull.reviewComments.values()].flat(), request, env);
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/issues/:issue_number/comments",
    auth: "token",
    handle: (request, env) => {
      const found = findPull(env, { ...request.params, number: request.params.issue_number ?? "" });
      if (isReply(found)) return found;
      const comments = [...found.repo.issueComments.values()].filter((entry) => entry.number === found.pull.number).map((entry) => entry.comment);
      return paginate(comments, request, env);
    },
  },
  { method: "POST", pattern: "/repos/:owner/:repo/issues/:issue_number/comments", auth: "token", handle: createIssueComment },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/issues/comments/:comment_id",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      const entry = repo?.issueComments.get(Number(request.params.comment_id));
      // A comment deleted on GitHub is an ordinary 404 there, not a request the test did not set up.
      if (!entry && repo?.deletedIssueComments.has(Number(request.params.comment_id))) return notFound(undefined, DOCS.getIssueComment);
      if (!entry) return notFound(`issue comment ${request.params.comment_id} is not in the fake`);
      return { status: 200, json: entry.comment };
    },
  },
  {
    method: "PATCH",
    pattern: "/repos/:owner/:repo/issues/comments/:comment_id",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      const entry = repo?.issueComments.get(Number(request.params.comment_id));
      // Editing a comment someone deleted is GitHub's ordinary 404, not a request the test did not set up.
      if (!entry && repo?.deletedIssueComments.has(Number(request.params.comment_id))) return notFound(undefined, DOCS.issueComments);
      if (!entry) return notFound(`issue comment ${request.params.comment_id} is not in the fake`);
      const problem = issueCommentBodyProblem(request.body);
      if (problem) return problem;
      entry.comment.body = (request.body as { body: string }).body;
      entry.comment.updated_at = timestamp();
      return { status: 200, json: entry.comment };
    },
  },
  {
    method: "POST",
    pattern: "/repos/:owner/:repo/issues/comments/:comment_id/reactions",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      const entry = repo?.issueComments.get(Number(request.params.comment_id));
      // A comment deleted on GitHub is an ordinary 404 there, not a request the test did not set up.
      if (!entry && repo?.deletedIssueComments.has(Number(request.params.comment_id))) return notFound(undefined, DOCS.reactions);
      if (!entry) return notFound(`issue comment ${request.params.comment_id} is not in the fake`);
      const content = isRecord(request.body) ? request.body.content : undefined;
      if (typeof content !== "string" || !REACTIONS.includes(content)) {
        return invalidRequest(`For 'properties/content', ${JSON.stringify(content)} is not one of ${JSON.stringify(REACTIONS)}.`, DOCS.reactions);
      }
      const bot = appBotUser(env.state);
      // The same reaction twice answers 200 with the existing one.
      const existing = entry.reactions.find((reaction) => reaction.content === content && reaction.user.login === bot.login);
      if (existing) return { status: 200, json: existing };
      const id = nextId(env.state);
      const reaction = { id, node_id: Buffer.from(`08:Reaction${id}`).toString("base64"), user: bot, content, created_at: timestamp() };
      entry.reactions.push(reaction);
      return { status: 201, json: reaction };
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/collaborators/:username/permission",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      if (!repo) return notFound(`repository ${request.params.owner}/${request.params.repo} is not in the fake`);
      const username = request.params.username ?? "";
      const role = repo.permissions.get(username.toLowerCase()) ?? "none";
      const permission = PERMISSION_LEVEL[role];
      return {
        status: 200,
        json: {
          permission,
          role_name: role,
          user: {
            ...githubUser(username),
            permissions: {
              admin: role === "admin",
              maintain: role === "admin" || role === "maintain",
              push: permission === "admin" || permission === "write",
              triage: role !== "read" && role !== "none",
              pull: role !== "none",
            },
            role_name: role,
          },
        },
      };
    },
  },
  {
    method: "POST",
    pattern: "/repos/:owner/:repo/check-runs",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      if (!repo) return notFound(`repository ${request.params.owner}/${request.params.repo} is not in the fake`);
      const body = isRecord(request.body) ? request.body : {};
      const problem = checkRunProblem(body, true);
      if (problem) return problem;
      const id = nextId(env.state);
      const run: GithubCheckRun = {
        id,
        node_id: Buffer.from(`08:CheckRun${id}`).toString("base64"),
        head_sha: body.head_sha as string,
        external_id: null,
        url: `${env.origin}/api/v3/repos/${repo.owner}/${repo.name}/check-runs/${id}`,
        html_url: `${env.origin}/${repo.owner}/${repo.name}/runs/${id}`,
        details_url: null,
        status: "queued",
        conclusion: null,
        started_at: timestamp(),
        completed_at: null,
        name: body.name as string,
        output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${env.origin}/api/v3/repos/${repo.owner}/${repo.name}/check-runs/${id}/annotations` },
        check_suite: { id: nextId(env.state) },
        app: { id: env.state.appId, slug: env.state.appSlug, name: env.state.appSlug },
        pull_requests: [],
      };
      applyCheckRun(run, body);
      repo.checkRuns.set(id, run);
      return { status: 201, json: run };
    },
  },
  {
    method: "PATCH",
    pattern: "/repos/:owner/:repo/check-runs/:check_run_id",
    auth: "token",
    handle: (request, env) => {
      const run = findRepo(env, request.params)?.checkRuns.get(Number(request.params.check_run_id));
      if (!run) return notFound(`check run ${request.params.check_run_id} is not in the fake`);
      const body = isRecord(request.body) ? request.body : {};
      const problem = checkRunProblem(body, false);
      if (problem) return problem;
      applyCheckRun(run, body);
      return { status: 200, json: run };
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/contents",
    auth: "token",
    handle: (request, env) => {
      const repo = findRepo(env, request.params);
      const ref = request.query.get("ref");
      if (!repo?.git || ref === null) return notFound(`the root listing needs a repository with a git history and a ref`, DOCS.contents);
      return contentsFromGit(repo, repo.git, request, "", ref, env.origin);
    },
  },
  {
    method: "GET",
    pattern: "/repos/:owner/:repo/contents/*",
    auth: "token",
    handle: (request, env) => {
      const path = decodeURIComponent(request.params["*"] ?? "");
      const repo = findRepo(env, request.params);
      const ref = request.query.get("ref");
      // At a commit of a repository with a history, git answers; otherwise the files a test set (config).
      if (repo?.git && ref !== null) return contentsFromGit(repo, repo.git, request, path, ref, env.origin);
      const content = repo?.contents.get(path);
      // A missing file is an ordinary answer (Probot looks for config in several places), not a surprise.
      if (content === undefined) return notFound(undefined, DOCS.contents);
      if (/\.raw\b/.test(String(request.headers.accept ?? ""))) return { status: 200, text: content, contentType: "application/vnd.github.v3.raw; charset=utf-8" };
      const name = path.split("/").at(-1) ?? path;
      const base64 = Buffer.from(content).toString("base64").replace(/.{60}/g, "$&\n");
      const sha = sha1(`blob:${content}`);
      const api = `${env.origin}/api/v3/repos/${request.params.owner}/${request.params.repo}/contents/${path}`;
      return {
        status: 200,
        json: { type: "file", encoding: "base64", size: Buffer.byteLength(content), name, path, content: base64, sha, url: api, html_url: null, git_url: null, download_url: null, _links: { self: api } },
      };
    },
  },
];

/** Finds the route for a request; `*` in a pattern captures the rest of the path. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of [...ROUTES, ...COMMIT_ROUTES, ...ARCHIVE_ROUTES]) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const wanted = pattern.split("/");
  const actual = path.split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < wanted.length; i++) {
    const segment = wanted[i] as string;
    if (segment === "*") {
      const rest = actual.slice(i).join("/");
      if (rest === "") return undefined;
      params["*"] = rest;
      return params;
    }
    const value = actual[i];
    if (value === undefined) return undefined;
    if (!segment.startsWith(":")) {
      if (segment !== value) return undefined;
    } else if (value === "") {
      return undefined;
    } else {
      params[segment.slice(1)] = decodeURIComponent(value);
    }
  }
  return wanted.length === actual.length ? params : undefined;
}
