import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { compileFault, takeFault, type FaultRoute, type GithubFault, type PendingFault } from "./github-faults.js";
import { matchRoute, notFound, threadReply, timestamp, type RouteAuth, type RouteReply } from "./github-fake-routes.js";
import type { GitRepo } from "../support/git-repo.js";
import { parseFakeDiff } from "./github-diff.js";
import { pullDiffText, syncPullWithGit } from "./github-git.js";
import { answerGraphql } from "./github-graphql.js";
import { reactToReviewComment, setThreadResolved, threadJson, threadsOf } from "./github-threads.js";
import {
  buildPullRequest,
  ensureRepo,
  githubUser,
  nextId,
  repoKey,
  type AddPullRequestInput,
  type FakePullRequest,
  type GithubCheckRun,
  type GithubFakeState,
  type GithubIssueComment,
  type GithubReview,
  type GithubReviewComment,
  type RepoPermission,
} from "./github-fake-state.js";

export { githubFaults, type FaultRoute, type GithubFault } from "./github-faults.js";
export type {
  AddPullRequestInput,
  FakePullRequest,
  GithubCheckRun,
  GithubFakeState,
  GithubIssueComment,
  GithubPullFile,
  GithubReview,
  GithubReviewComment,
  RepoPermission,
} from "./github-fake-state.js";
export {
  COMMIT_NOT_IN_PULL,
  LINE_NOT_IN_DIFF,
  PATH_NOT_RESOLVED,
  START_LINE_NOT_IN_HUNK,
} from "./github-review-validation.js";
import { readBody } from "./read-body.js";
import { answerArchive, archivesOf, CODELOAD_PREFIX } from "./github-fake-archive-routes.js";

/** An installation token the fake accepts without an access-token exchange (plain Octokit in tests). */
export const FAKE_GITHUB_TOKEN = "ghs_fakeStaticInstallationToken0000000";

export interface GithubFakeOptions {
  /** The App's slug; reviews and comments are posted as `<slug>[bot]`. Default: `codex-review`. */
  appSlug?: string;
  /** Default: 1. */
  appId?: number;
  /** The installation the fake knows. Default: 1. */
  installationId?: number;
  /** More installations it knows (tokens for any repo). Default: none. */
  extraInstallationIds?: number[];
  /**
   * GitHub's limits, lowered in tests to provoke them: the diff media type's, of a PR or a compare (406;
   * default 20 000 lines, 300 files), and the compare's JSON (cut silently; default 300 files, the 250
   * most recent commits). `compareDiffWhole`: a compare's diff is served whole past the diff limits, as
   * one was seen past 1,000 files (getsentry/seer#138; GitHub documents no 406 for it). Default: 406.
   */
  limits?: { diffLines?: number; diffFiles?: number; compareFiles?: number; compareCommits?: number; compareDiffWhole?: boolean };
  /**
   * How far GitHub's clock is ahead of this process's (ms; negative: behind), to play an App host whose
   * clock is off: the JWT checks and the `Date` header of every answer use GitHub's clock. Default: 0.
   */
  clockOffsetMs?: number;
}

export interface RecordedGithubRequest {
  method: string;
  /** API path without `/api/v3` and without the query, e.g. `/repos/o/r/pulls/1`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** The status the fake answered. */
  status: number;
  /** True when a `failNext` fault answered instead of the route. */
  injected: boolean;
  /** When the request arrived (performance.now()), and when its answer was sent (0 until then). */
  receivedAt: number;
  answeredAt: number;
}

export interface GithubFake {
  /** `http://127.0.0.1:PORT` (the REST API is under `/api/v3`, as on GitHub Enterprise). */
  url: string;
  /** `${url}/api/v3`, Octokit's `baseUrl`. */
  baseUrl: string;
  /** `127.0.0.1:PORT`, for GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  state: GithubFakeState;
  requests: RecordedGithubRequest[];
  /** Requests for routes or objects the test never set up, and bad credentials; a passing test leaves it empty. */
  unexpected: { request: RecordedGithubRequest; reason: string }[];
  /**
   * Adds (or replaces) a pull request; the repo is created on first use. With `branches` (in a repo given
   * a git history by useGitHistory) the PR follows those branches: commit to them to push.
   */
  addPullRequest(input: AddPullRequestInput): FakePullRequest;
  /** A push to a PR without a git history: the PR's head and diff change, its reviews and comments stay. */
  pushToPullRequest(owner: string, repo: string, number: number, push: { headSha: string; diff: string }): FakePullRequest;
  /**
   * Backs the repository with a real git history: `GET /compare/{base}...{head}` is computed from it
   * (merge base, status, caps; unknown commits 404), and so are its branch-following PRs. Without one,
   * every compare answers 404, as GitHub does for commits it does not have, except the diff of a PR's
   * base and head (the diff media type), which is that PR's diff.
   */
  useGitHistory(owner: string, repo: string, git: GitRepo): void;
  /**
   * A read replica behind the last push: the next `reads` reads of the PR (GraphQL `headRefOid`, REST
   * `GET /pulls/:n` and the pulls list) still show head `sha`, as GitHub can right after a push.
   */
  lagHead(owner: string, repo: string, number: number, lag: { sha: string; reads: number }): void;
  /**
   * A replica behind the last push for the PR's diff: the next `reads` reads of `GET /pulls/:n` with the
   * diff media type still answer with `diff` (the previous push's), as GitHub's can right after a push.
   * A comparison of two named commits is never stale.
   */
  lagDiff(owner: string, repo: string, number: number, lag: { diff: string; reads: number }): void;
  /**
   * GitHub can leave a PR's recorded base sha (REST `base.sha`, GraphQL `baseRefOid`, the events') behind
   * its base branch (github/docs#431): from now on a branch-following PR keeps the base sha it shows now,
   * while its diff (from the merge base of the branch's tip and the head) and `baseRef` follow the branch.
   */
  staleBase(owner: string, repo: string, number: number): void;
  /** A person's reply in a review thread (to the app's comment `inReplyTo`). */
  addReviewReply(owner: string, repo: string, number: number, inReplyTo: number, reply: { body: string; user?: string }): GithubReviewComment;
  /** The PR's review threads as GraphQL shows them now (resolution, outdated, line, comments). */
  reviewThreads(owner: string, repo: string, number: number): FakeThreadView[];
  /** A person resolves (or unresolves) the thread opened by review comment `rootCommentId`. */
  resolveThreadAs(owner: string, repo: string, number: number, rootCommentId: number, user: string, resolved?: boolean): void;
  /** A person reacts to a review comment (e.g. `-1` for 👎). */
  reactToReviewComment(owner: string, repo: string, number: number, commentId: number, content: string, user?: string): void;
  /** A user's role on a repo; users never set have `none`. */
  setPermission(owner: string, repo: string, username: string, permission: RepoPermission): void;
  /** A file at the default branch, served by `GET /repos/:o/:r/contents/:path` (repo config). */
  setFile(owner: string, repo: string, path: string, content: string): void;
  /** Seeds an issue comment on a PR (a human's `@codex-review` request), returning it with its id. */
  addIssueComment(owner: string, repo: string, number: number, comment: { body: string; user?: string }): GithubIssueComment;
  /** Someone deletes an issue comment (e.g. the command that asked for a review). */
  deleteIssueComment(owner: string, repo: string, commentId: number): void;
  /** A review submitted by another account (a person, or another App's bot) with its own token. */
  addReviewBy(owner: string, repo: string, number: number, review: { body: string; user: { login: string; type: "User" | "Bot" } }): GithubReview;
  /** The reviews stored on a PR, each with its comments. */
  reviews(owner: string, repo: string, number: number): (GithubReview & { comments: GithubReviewComment[] })[];
  issueComments(owner: string, repo: string, number: number): GithubIssueComment[];
  checkRuns(owner: string, repo: string): GithubCheckRun[];
  /**
   * Serves `bytes` as the tarball of `sha` (which then need not be in the repository's history), e.g. a
   * hostile archive. `GET /tarball/{sha}` redirects to it as to any archive. An array of chunks is
   * streamed one HTTP chunk each, without Content-Length, as codeload sends `git archive` output.
   */
  setArchive(owner: string, repo: string, sha: string, bytes: Buffer | Buffer[]): void;
  /** The next `fault.times` (default 1) requests matching `route` get `fault` instead of the real answer. */
  failNext(route: FaultRoute, fault: GithubFault): void;
  /** The next `times` matching requests get their real answer, `delayMs` late (a slow GitHub). */
  delayNext(route: FaultRoute, delayMs: number, times?: number): void;
  close(): Promise<void>;
}

/** A review thread as a test asserts it. */
export interface FakeThreadView {
  id: string;
  rootCommentId: number;
  isResolved: boolean;
  isOutdated: boolean;
  line: number | null;
  resolvedBy: string | null;
  comments: { id: number; body: string; login: string }[];
}

const JWT = /^bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/i;
const TOKEN = /^(?:token|bearer)\s+(\S+)$/i;

/** Starts a strict fake of GitHub Enterprise's REST API on 127.0.0.1 and a free port. */
export async function startGithubFake(options: GithubFakeOptions = {}): Promise<GithubFake> {
  const state: GithubFakeState = {
    appId: options.appId ?? 1,
    appSlug: options.appSlug ?? "codex-review",
    installationId: options.installationId ?? 1,
    extraInstallationIds: options.extraInstallationIds ?? [],
    repos: new Map(),
    issuedTokens: [],
    staticTokens: new Set([FAKE_GITHUB_TOKEN]),
    nextId: 1_000,
  };
  const limits = {
    diffLines: options.limits?.diffLines ?? 20_000,
    diffFiles: options.limits?.diffFiles ?? 300,
    compareFiles: options.limits?.compareFiles ?? 300,
    compareCommits: options.limits?.compareCommits ?? 250,
    compareDiffWhole: options.limits?.compareDiffWhole ?? false,
  };
  const requests: RecordedGithubRequest[] = [];
  const unexpected: GithubFake["unexpected"] = [];
  const faults: PendingFault[] = [];
  const delays: PendingFault[] = [];
  const githubNow = () => Date.now() + (options.clockOffsetMs ?? 0);
  let origin = "";

  function answer(request: RecordedGithubRequest, rawPath: string): RouteReply {
    const graphql = rawPath === "/api/graphql" && request.method === "POST";
    const archive = rawPath.startsWith(CODELOAD_PREFIX) && request.method === "GET";
    if (!graphql && !archive && !rawPath.startsWith("/api/v3/")) return notFound(`${request.method} ${rawPath} is outside /api/v3`);
    // Faults apply to GraphQL too (route "POST /api/graphql").
    const fault = takeFault(faults, request.method, request.path, request.body);
    const injected = (): RouteReply => {
      request.injected = true;
      return { status: fault!.status, json: fault!.body ?? { message: "Injected failure" }, headers: fault!.headers, delayMs: fault!.delayMs };
    };
    if (fault && !fault.afterRoute) return injected();
    // The archive host takes the token its redirect handed out, in the URL, and no Authorization.
    if (archive) return fault ? injected() : answerArchive(rawPath, request.query, state);
    if (graphql) {
      const reply = checkAuth("token", request.headers.authorization) ?? answerGraphql(request.body, state, origin);
      return fault ? injected() : reply;
    }
    const matched = matchRoute(request.method, request.path);
    if (!matched) return notFound(`no route for ${request.method} ${request.path}`);
    const denied = checkAuth(matched.route.auth, request.headers.authorization);
    if (denied) return denied;
    const reply = matched.route.handle(
      { method: request.method, path: request.path, params: matched.params, query: new URLSearchParams(request.query), headers: request.headers, body: request.body },
      { state, origin, limits },
    );
    return fault ? injected() : reply;
  }

  function checkAuth(auth: RouteAuth, header: string | undefined): RouteReply | null {
    if (auth === "jwt") {
      const jwt = header ? JWT.exec(header) : null;
      const claims = jwt ? decodeClaims(jwt[2] ?? "") : null;
      if (!claims) {
        return {
          status: 401,
          json: { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest", status: "401" },
          unexpected: "an App endpoint was called without a JWT",
        };
      }
      const refused = refuseJwtClaims(claims, Math.floor(githubNow() / 1000));
      return refused ? { status: 401, json: { message: refused, documentation_url: "https://docs.github.com/rest", status: "401" }, unexpected: `an App JWT was refused: ${refused}` } : null;
    }
    const token = header ? TOKEN.exec(header)?.[1] : undefined;
    if (token && (state.staticTokens.has(token) || state.issuedTokens.some((issued) => issued.token === token))) return null;
    return {
      status: 401,
      json: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" },
      unexpected: "a repository endpoint was called without an installation token the fake issued",
    };
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((rawBody) => {
        const url = new URL(req.url ?? "/", "http://fake");
        const method = req.method ?? "GET";
        const request: RecordedGithubRequest = {
          method,
          path: url.pathname.replace(/^\/api\/v3(?=\/)/, ""),
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: undefined,
          status: 0,
          injected: false,
          receivedAt: performance.now(),
          answeredAt: 0,
        };
        const parsed = parseBody(rawBody);
        request.body = parsed.value;
        requests.push(request);
        let reply: RouteReply;
        if (!parsed.json) {
          reply = { status: 400, json: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" } };
        } else {
          try {
            reply = answer(request, url.pathname);
          } catch (error) {
            reply = { status: 500, json: { message: "Server Error" }, unexpected: `the fake crashed: ${(error as Error).stack ?? String(error)}` };
          }
        }
        request.status = reply.status;
        if (reply.unexpected) unexpected.push({ request, reason: reply.unexpected });
        const delayMs = takeFault(delays, method, request.path, request.body)?.delayMs ?? reply.delayMs;
        const respond = () => {
          request.answeredAt = performance.now();
          send(res, reply, githubNow());
        };
        if (delayMs) setTimeout(respond, delayMs);
        else respond();
      })
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const pullOf = (owner: string, repo: string, number: number): FakePullRequest => {
    const pull = state.repos.get(repoKey(owner, repo))?.pulls.get(number);
    if (!pull) throw new Error(`The GitHub fake has no pull request ${owner}/${repo}#${number}`);
    return pull;
  };

  return {
    url: origin,
    baseUrl: `${origin}/api/v3`,
    host: `127.0.0.1:${port}`,
    state,
    requests,
    unexpected,
    addPullRequest(input) {
      const fakeRepo = ensureRepo(state, input.owner, input.repo);
      if (!input.branches) {
        if (input.diff === undefined) throw new Error("addPullRequest needs a diff or, in a repo with a git history, branches");
        const pull = buildPullRequest(state, { ...input, diff: input.diff }, origin);
        fakeRepo.pulls.set(input.number, pull);
        return pull;
      }
      const { git } = fakeRepo;
      if (!git) throw new Error(`addPullRequest with branches needs useGitHistory(${input.owner}, ${input.repo}, ...) first`);
      const { base, head } = input.branches;
      const headSha = git.sha(`refs/heads/${head}`);
      const pull = buildPullRequest(
        state,
        { ...input, diff: pullDiffText(git, base, head), headSha, baseSha: git.sha(`refs/heads/${base}`), headRef: head, baseRef: base },
        origin,
      );
      pull.branches = { base, head };
      fakeRepo.pulls.set(input.number, pull);
      syncPullWithGit(fakeRepo, pull, origin);
      return pull;
    },
    pushToPullRequest(owner, repo, number, push) {
      const pull = pullOf(owner, repo, number);
      if (pull.branches) throw new Error(`${owner}/${repo}#${number} follows git branches: commit to ${pull.branches.head} instead`);
      const next = buildPullRequest(state, { owner, repo, number, diff: push.diff, headSha: push.headSha }, origin);
      Object.assign(pull, { head: { ...pull.head, sha: push.headSha }, diff: next.diff, parsed: next.parsed, files: next.files });
      return pull;
    },
    useGitHistory(owner, repo, git) {
      ensureRepo(state, owner, repo).git = git;
    },
    lagHead(owner, repo, number, lag) {
      pullOf(owner, repo, number).laggingHead = { ...lag };
    },
    lagDiff(owner, repo, number, lag) {
      pullOf(owner, repo, number).staleDiff = { ...lag, files: parseFakeDiff(lag.diff).length };
    },
    staleBase(owner, repo, number) {
      const pull = pullOf(owner, repo, number);
      if (!pull.branches) throw new Error(`${owner}/${repo}#${number} follows no git branches: its base sha never moves anyway`);
      syncPullWithGit(ensureRepo(state, owner, repo), pull, origin);
      pull.branches.recordedBase = pull.base.sha;
    },
    addReviewReply(owner, repo, number, inReplyTo, reply) {
      const pull = pullOf(owner, repo, number);
      const parent = [...pull.reviewComments.values()].flat().find((comment) => comment.id === inReplyTo);
      if (!parent) throw new Error(`The GitHub fake has no review comment ${inReplyTo} on ${owner}/${repo}#${number}`);
      return threadReply({ state }, pull, parent, reply.body, githubUser(reply.user ?? "octocat"));
    },
    reviewThreads(owner, repo, number) {
      const pull = pullOf(owner, repo, number);
      const fakeRepo = ensureRepo(state, owner, repo);
      // As GitHub would show them after the branch's latest push.
      syncPullWithGit(fakeRepo, pull, origin);
      return threadsOf(pull).map((thread) => {
        const json = threadJson(fakeRepo, pull, thread) as { isOutdated: boolean; line: number | null };
        return {
          id: thread.id,
          rootCommentId: thread.root.id,
          isResolved: thread.state.resolved,
          isOutdated: json.isOutdated,
          line: json.line,
          resolvedBy: thread.state.resolvedBy?.login ?? null,
          comments: thread.comments.map((comment) => ({ id: comment.id, body: comment.body, login: comment.user.login })),
        };
      });
    },
    resolveThreadAs(owner, repo, number, rootCommentId, user, resolved = true) {
      const pull = pullOf(owner, repo, number);
      if (!threadsOf(pull).some((thread) => thread.root.id === rootCommentId)) throw new Error(`No thread opened by comment ${rootCommentId} on #${number}`);
      setThreadResolved(pull, rootCommentId, resolved, githubUser(user));
    },
    reactToReviewComment(owner, repo, number, commentId, content, user = "octocat") {
      const pull = pullOf(owner, repo, number);
      if (![...pull.reviewComments.values()].flat().some((comment) => comment.id === commentId)) throw new Error(`No review comment ${commentId} on #${number}`);
      reactToReviewComment(pull, state, commentId, content, githubUser(user));
    },
    setPermission(owner, repo, username, permission) {
      ensureRepo(state, owner, repo).permissions.set(username.toLowerCase(), permission);
    },
    setFile(owner, repo, path, content) {
      ensureRepo(state, owner, repo).contents.set(path, content);
    },
    addIssueComment(owner, repo, number, { body, user }) {
      pullOf(owner, repo, number);
      const fakeRepo = ensureRepo(state, owner, repo);
      const id = nextId(state);
      const api = `${origin}/api/v3/repos/${owner}/${repo}`;
      const now = timestamp();
      const comment: GithubIssueComment = {
        id,
        node_id: Buffer.from(`012:IssueComment${id}`).toString("base64"),
        url: `${api}/issues/comments/${id}`,
        html_url: `${origin}/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
        issue_url: `${api}/issues/${number}`,
        body,
        user: githubUser(user ?? "octocat"),
        author_association: "MEMBER",
        created_at: now,
        updated_at: now,
      };
      fakeRepo.issueComments.set(id, { number, comment, reactions: [] });
      return comment;
    },
    deleteIssueComment(owner, repo, commentId) {
      const fakeRepo = ensureRepo(state, owner, repo);
      if (!fakeRepo.issueComments.delete(commentId)) throw new Error(`The GitHub fake has no issue comment ${commentId} in ${owner}/${repo}`);
      fakeRepo.deletedIssueComments.add(commentId);
    },
    addReviewBy(owner, repo, number, { body, user }) {
      const pull = pullOf(owner, repo, number);
      const id = nextId(state);
      const html = `${origin}/${owner}/${repo}/pull/${number}`;
      const api = `${origin}/api/v3/repos/${owner}/${repo}`;
      const review: GithubReview = {
        id,
        node_id: Buffer.from(`017:PullRequestReview${id}`).toString("base64"),
        user: githubUser(user.login, user.type),
        body,
        state: "COMMENTED",
        html_url: `${html}#pullrequestreview-${id}`,
        pull_request_url: `${api}/pulls/${number}`,
        author_association: "NONE",
        commit_id: pull.head.sha,
        submitted_at: timestamp(),
        _links: { html: { href: `${html}#pullrequestreview-${id}` }, pull_request: { href: `${api}/pulls/${number}` } },
      };
      pull.reviews.push(review);
      return review;
    },
    reviews(owner, repo, number) {
      const pull = pullOf(owner, repo, number);
      return pull.reviews.map((review) => ({ ...review, comments: pull.reviewComments.get(review.id) ?? [] }));
    },
    issueComments(owner, repo, number) {
      pullOf(owner, repo, number);
      const comments = state.repos.get(repoKey(owner, repo))?.issueComments.values() ?? [];
      return [...comments].filter((entry) => entry.number === number).map((entry) => entry.comment);
    },
    checkRuns(owner, repo) {
      return [...(state.repos.get(repoKey(owner, repo))?.checkRuns.values() ?? [])];
    },
    setArchive(owner, repo, sha, bytes) {
      ensureRepo(state, owner, repo);
      archivesOf(state).substitutes.set(`${repoKey(owner, repo)}@${sha}`, bytes);
    },
    failNext(route, fault) {
      faults.push(compileFault(route, fault));
    },
    delayNext(route, delayMs, times = 1) {
      delays.push(compileFault(route, { status: 0, delayMs, times }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** `now`: GitHub's clock, sent as the `Date` header (which @octokit/auth-app reads to correct a skewed clock). */
function send(res: ServerResponse, reply: RouteReply, now: number): void {
  if (res.destroyed) return;
  const raw = reply.bytes !== undefined || reply.stream !== undefined;
  const text = reply.bytes ?? reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
  const resetAt = Math.floor(now / 1000) + 3_600;
  const headers = {
    date: new Date(now).toUTCString(),
    "content-type": reply.text === undefined && !raw ? "application/json; charset=utf-8" : (reply.contentType ?? "text/plain; charset=utf-8"),
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": `FAKE:${nextRequestId++}`,
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-reset": String(resetAt),
    "x-ratelimit-used": "1",
    "x-ratelimit-resource": "core",
    ...reply.headers,
  };
  if (reply.stream) {
    res.writeHead(reply.status, headers);
    const body = reply.stream();
    body.on("error", () => res.destroy());
    body.pipe(res);
    return;
  }
  res.writeHead(reply.status, { ...headers, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

let nextRequestId = 1;

function decodeClaims(segment: string): Record<string, unknown> | null {
  try {
    const claims: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * GitHub's checks of an App JWT's times by its own clock, with its messages (which @octokit/auth-app
 * reads to correct a skewed clock): `iat` not in the future, `exp` in the future and "no more than 10
 * minutes into the future" (GitHub's docs), nor over 10 minutes after `iat`.
 */
function refuseJwtClaims(claims: Record<string, unknown>, nowSeconds: number): string | null {
  const { iat, exp } = claims;
  if (typeof iat !== "number" || iat > nowSeconds + 60) return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  if (typeof exp !== "number" || exp <= nowSeconds) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (exp - iat > 600 || exp > nowSeconds + 600) return "'Expiration time' claim ('exp') is too far in the future";
  return null;
}

/** `json` is false only for a non-empty body that does not parse (GitHub answers 400). */
function parseBody(text: string): { json: boolean; value: unknown } {
  if (text === "") return { json: true, value: undefined };
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, value: text };
  }
}
