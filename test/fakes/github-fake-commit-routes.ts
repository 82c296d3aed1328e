import { paginate, type Route, type RouteEnv, type RouteReply, type RouteRequest } from "./github-fake-routes.js";
import { pullJson, repoKey, type FakeRepo, type GithubCheckRun } from "./github-fake-state.js";

/*
 * Read routes that find things by commit or list them across a repository: the check runs of a ref and
 * the pull requests of a repository, with GitHub's filters, pagination and answers to bad input.
 */

const DOCS = {
  listForRef: "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference",
  listPulls: "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
};

function repoOf(env: RouteEnv, params: Record<string, string>): FakeRepo | undefined {
  return env.state.repos.get(repoKey(params.owner ?? "", params.repo ?? ""));
}

function pageOf<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Math.min(100, Math.max(1, Number(query.get("per_page")) || 30));
  const page = Math.max(1, Number(query.get("page")) || 1);
  return items.slice((page - 1) * perPage, page * perPage);
}

function invalidValue(field: string, value: string, allowed: string[], documentationUrl: string): RouteReply {
  return {
    status: 422,
    json: { message: `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}.`, documentation_url: documentationUrl, status: "422" },
  };
}

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}/check-runs`: `{ total_count, check_runs }`, newest first.
 * `filter=latest` (GitHub's default) keeps the most recent run of each name; `check_name`, `status` and
 * `app_id` narrow the list. Only a commit SHA is resolved as `ref` (the app never asks by branch).
 */
function listCheckRunsForRef(request: RouteRequest, env: RouteEnv): RouteReply {
  const repo = repoOf(env, request.params);
  if (!repo) return { status: 404, json: { message: "Not Found", documentation_url: DOCS.listForRef, status: "404" }, unexpected: `repository ${request.params.owner}/${request.params.repo} is not in the fake` };
  const { query } = request;
  const status = query.get("status");
  if (status !== null && !["queued", "in_progress", "completed"].includes(status)) return invalidValue("status", status, ["queued", "in_progress", "completed"], DOCS.listForRef);
  const filter = query.get("filter") ?? "latest";
  if (!["latest", "all"].includes(filter)) return invalidValue("filter", filter, ["latest", "all"], DOCS.listForRef);
  const appId = query.get("app_id");
  let runs = [...repo.checkRuns.values()]
    .filter((run) => run.head_sha === request.params.ref)
    .filter((run) => query.get("check_name") === null || run.name === query.get("check_name"))
    .filter((run) => appId === null || String(run.app.id) === appId)
    .sort((a, b) => b.id - a.id);
  if (filter === "latest") runs = runs.filter((run, index) => runs.findIndex((other) => other.name === run.name && other.app.id === run.app.id) === index);
  if (status !== null) runs = runs.filter((run) => run.status === status);
  return { status: 200, json: { total_count: runs.length, check_runs: pageOf<GithubCheckRun>(runs, query) } };
}

const PULL_STATES = ["open", "closed", "all"];
const PULL_SORTS = ["created", "updated", "popularity", "long-running"];

/**
 * `GET /repos/{owner}/{repo}/pulls`: the repository's pull requests, forks' included (their head lives in
 * the fork, `head.repo`), filtered by `state` (default open), `head` (`user:ref`) and `base`, sorted by
 * `sort` (default created) in `direction` (default desc).
 */
function listPulls(request: RouteRequest, env: RouteEnv): RouteReply {
  const repo = repoOf(env, request.params);
  if (!repo) return { status: 404, json: { message: "Not Found", documentation_url: DOCS.listPulls, status: "404" }, unexpected: `repository ${request.params.owner}/${request.params.repo} is not in the fake` };
  const { query } = request;
  const state = query.get("state") ?? "open";
  if (!PULL_STATES.includes(state)) return invalidValue("state", state, PULL_STATES, DOCS.listPulls);
  const sort = query.get("sort") ?? "created";
  if (!PULL_SORTS.includes(sort)) return invalidValue("sort", sort, PULL_SORTS, DOCS.listPulls);
  const direction = query.get("direction") ?? "desc";
  if (!["asc", "desc"].includes(direction)) return invalidValue("direction", direction, ["asc", "desc"], DOCS.listPulls);
  const head = query.get("head");
  const base = query.get("base");
  // The fake does not track updates: every sort is by creation (then number, as PRs are numbered in order).
  const key = (pull: { createdAt: string; number: number }) => `${pull.createdAt}#${String(pull.number).padStart(9, "0")}`;
  const pulls = [...repo.pulls.values()]
    .filter((pull) => state === "all" || pull.state === state)
    .filter((pull) => head === null || head === `${pull.fork ?? repo.owner}:${pull.head.ref}`)
    .filter((pull) => base === null || pull.base.ref === base)
    .sort((a, b) => (direction === "asc" ? 1 : -1) * key(a).localeCompare(key(b)));
  return paginate(pulls.map((pull) => pullJson(repo, pull, env.origin)), request, env);
}

export const COMMIT_ROUTES: Route[] = [
  { method: "GET", pattern: "/repos/:owner/:repo/commits/:ref/check-runs", auth: "token", handle: listCheckRunsForRef },
  { method: "GET", pattern: "/repos/:owner/:repo/pulls", auth: "token", handle: listPulls },
];
