import type { RouteReply } from "./github-fake-routes.js";
import { readHeadSha, repoKey, type GithubFakeState } from "./github-fake-state.js";
import { syncPullWithGit } from "./github-git.js";

/**
 * GitHub's GraphQL endpoint (`POST /api/graphql` on Enterprise), for the one query the app sends:
 * `ReviewContext`. The fake recognises it by name and answers from its state the way GitHub does,
 * including `errors` beside partial `data` when the owner has no `.github` repository. Any other
 * query is a test failure (recorded as unexpected).
 */
export function answerGraphql(body: unknown, state: GithubFakeState, origin: string): RouteReply {
  const { query, variables } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
  if (typeof query !== "string" || !/query\s+ReviewContext\b/.test(query)) {
    return { status: 200, json: { errors: [{ message: "the fake only answers the ReviewContext query" }] }, unexpected: `unknown GraphQL query: ${String(query).slice(0, 80)}` };
  }
  const owner = String(variables?.owner ?? "");
  const name = String(variables?.repo ?? "");
  const number = Number(variables?.number);
  const configPath = String(variables?.configPath ?? "").replace(/^HEAD:/, "");
  const repo = state.repos.get(repoKey(owner, name));
  const pull = repo?.pulls.get(number);
  if (!repo || !pull) {
    return {
      status: 200,
      json: { data: { repository: repo ? { pullRequest: null, config: null, agents: null } : null, orgConfig: null }, errors: [{ type: "NOT_FOUND", path: repo ? ["repository", "pullRequest"] : ["repository"], message: `Could not resolve ${owner}/${name}#${number}` }] },
      unexpected: `GraphQL asked for ${owner}/${name}#${number}, which is not in the fake`,
    };
  }
  syncPullWithGit(repo, pull, origin);
  const blob = (text: string | undefined) => (text === undefined ? null : { text });
  const orgRepo = state.repos.get(repoKey(owner, ".github"));
  const data = {
    repository: {
      diskUsage: repo.diskUsageKb ?? null,
      pullRequest: {
        number: pull.number,
        state: pull.state === "open" ? "OPEN" : "CLOSED",
        isDraft: pull.draft,
        title: pull.title,
        body: pull.body,
        headRefOid: readHeadSha(pull),
        headRefName: pull.head.ref,
        baseRefOid: pull.base.sha,
        baseRefName: pull.base.ref,
        reviews: {
          nodes: pull.reviews.slice(-100).map((review) => ({
            databaseId: review.id,
            body: review.body,
            author: { __typename: review.user.type === "Bot" ? "Bot" : "User", login: review.user.login.replace(/\[bot\]$/, "") },
          })),
        },
      },
      config: blob(repo.contents.get(configPath)),
      agents: blob(repo.contents.get("AGENTS.md")),
    },
    orgConfig: orgRepo ? { config: blob(orgRepo.contents.get(configPath)) } : null,
  };
  if (orgRepo) return { status: 200, json: { data } };
  return {
    status: 200,
    json: { data, errors: [{ type: "NOT_FOUND", path: ["orgConfig"], locations: [{ line: 12, column: 3 }], message: `Could not resolve to a Repository with the name '${owner}/.github'.` }] },
  };
}
