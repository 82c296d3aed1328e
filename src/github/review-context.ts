import { z } from "zod";
import { REPO_CONFIG_PATH } from "../config/repo-config.js";
import { parseReviewMarker } from "../review/review-marker.js";
import { isSummaryComment } from "../review/summary-data.js";
import type { GithubClient, PullRequestRef } from "./github-client.js";
import { isOwnReviewAuthor, restLoginOf } from "./own-review-author.js";
import type { PullRequest } from "./pull-requests.js";
import type { PostedReview } from "./reviews.js";
import { FIRST_THREADS_SELECTION, ReviewThreadConnection } from "./review-threads.js";

/**
 * Everything a job reads before it reviews, in ONE GraphQL query instead of five REST calls: the PR,
 * the app's earlier reviews (their markers), the repo config (with the owner's `.github` repository as
 * fallback) and AGENTS.md. Secondary rate limits count requests, so fewer is faster at scale.
 */
export const REVIEW_CONTEXT_QUERY = `query ReviewContext($owner: String!, $repo: String!, $number: Int!, $configPath: String!) {
  repository(owner: $owner, name: $repo) {
    diskUsage
    pullRequest(number: $number) {
      number state isDraft title body headRefOid headRefName baseRefOid baseRefName baseRef { target { oid } }
      reviews(last: 100) { nodes { databaseId body author { __typename login } } }
      comments(last: 100) { nodes { databaseId body author { __typename login } } }
      ${FIRST_THREADS_SELECTION}
    }
    config: object(expression: $configPath) { ... on Blob { text } }
    agents: object(expression: "HEAD:AGENTS.md") { ... on Blob { text } }
  }
  orgConfig: repository(owner: $owner, name: ".github") {
    config: object(expression: $configPath) { ... on Blob { text } }
  }
}`;

const AuthoredNodes = z.object({
  nodes: z.array(
    z
      .object({
        databaseId: z.number().nullable(),
        body: z.string().nullable(),
        author: z.object({ __typename: z.string(), login: z.string() }).nullable(),
      })
      .nullable(),
  ),
});

const Blob = z.object({ text: z.string().nullable().optional() }).nullable().optional();

const ReviewContextData = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          number: z.number(),
          state: z.enum(["OPEN", "CLOSED", "MERGED"]),
          isDraft: z.boolean(),
          title: z.string(),
          body: z.string().nullable(),
          headRefOid: z.string(),
          headRefName: z.string(),
          baseRefOid: z.string(),
          baseRefName: z.string(),
          /** The base branch now; null once it is deleted. */
          baseRef: z.object({ target: z.object({ oid: z.string() }).nullable() }).nullable(),
          reviews: AuthoredNodes,
          comments: AuthoredNodes,
          reviewThreads: ReviewThreadConnection,
        })
        .nullable(),
      config: Blob,
      agents: Blob,
      /** KiB; null when GitHub does not say. The snapshot cache skips the tarball of a repository over its cap. */
      diskUsage: z.number().nullable().optional(),
    })
    .nullable(),
  orgConfig: z.object({ config: Blob }).nullable().optional(),
});

export interface ConfigFiles {
  /** The config file's text and where it came from, or null when neither place has one. */
  config: { text: string; source: string } | null;
  agents: string | null;
}

export interface ReviewContext {
  pr: PullRequest;
  /**
   * The commit the PR's base branch points at now, null when the branch is gone. GitHub can leave
   * `pr.base.sha` behind it (github/docs#431), while the PR's diff runs from the merge base of this tip
   * and the head: a diff from `pr.base.sha` can hold the base branch's own later commits.
   */
  baseTipSha: string | null;
  ownReviews: PostedReview[];
  files: ConfigFiles;
  /** The repository's size on GitHub (KiB, `diskUsage`); null when unknown. */
  repositorySizeKb: number | null;
  /** The app's summary comment on the PR (the latest, should there be more), among its last 100 comments. */
  summaryComment: { id: number; body: string } | null;
  /**
   * The body of the app's review that carries the summary's history (a PR's first review does, until a
   * later one creates the summary comment from it); null when none of its last 100 reviews does.
   */
  summaryInReview: string | null;
  /** The first page of the PR's review threads; `readReviewThreads` reads the rest when there is more. */
  threads: ReviewThreadConnection;
}

/** GitHub answers a query whose optional parts are missing (no `.github` repo) with data AND errors. */
function partialData(error: unknown): unknown {
  const { errors, data } = error as { errors?: Array<{ type?: string; path?: unknown[] }>; data?: unknown };
  if (!data || !Array.isArray(errors)) throw error;
  const onlyMissingOrgRepo = errors.every((entry) => entry.type === "NOT_FOUND" && entry.path?.[0] === "orgConfig");
  if (!onlyMissingOrgRepo) throw error;
  return data;
}

export class PullRequestNotFoundError extends Error {
  readonly status = 404;
  override readonly name = "PullRequestNotFoundError";
}

/** `ownLogin`: the App's bot login (`appBotLogin(slug)`); only its reviews count as `ownReviews`. */
export async function loadReviewContext(client: GithubClient, ref: PullRequestRef, ownLogin: string): Promise<ReviewContext> {
  const variables = { owner: ref.owner, repo: ref.repo, number: ref.pullNumber, configPath: `HEAD:${REPO_CONFIG_PATH}` };
  const raw = await client.graphql(REVIEW_CONTEXT_QUERY, variables).catch(partialData);
  const data = ReviewContextData.parse(raw);
  const pull = data.repository?.pullRequest;
  if (!data.repository || !pull) throw new PullRequestNotFoundError(`${ref.owner}/${ref.repo}#${ref.pullNumber} was not found`);

  const repoConfig = data.repository.config?.text;
  const orgConfig = data.orgConfig?.config?.text;
  const config =
    typeof repoConfig === "string"
      ? { text: repoConfig, source: `${ref.owner}/${ref.repo}:${REPO_CONFIG_PATH}` }
      : typeof orgConfig === "string"
        ? { text: orgConfig, source: `${ref.owner}/.github:${REPO_CONFIG_PATH}` }
        : null;

  const ownReviews: PostedReview[] = [];
  for (const node of pull.reviews.nodes) {
    if (!node?.databaseId || !node.author || !isOwnReviewAuthor(restLoginOf(node.author), ownLogin)) continue;
    const marker = parseReviewMarker(node.body);
    if (marker) ownReviews.push({ id: node.databaseId, marker });
  }
  return {
    pr: {
      number: pull.number,
      state: pull.state === "OPEN" ? "open" : "closed",
      draft: pull.isDraft,
      title: pull.title,
      body: pull.body ?? "",
      user: null,
      head: { sha: pull.headRefOid, ref: pull.headRefName },
      base: { sha: pull.baseRefOid, ref: pull.baseRefName },
    },
    baseTipSha: pull.baseRef?.target?.oid ?? null,
    ownReviews,
    files: { config, agents: data.repository.agents?.text ?? null },
    repositorySizeKb: data.repository.diskUsage ?? null,
    summaryComment: findSummaryComment(pull.comments.nodes, ownLogin),
    summaryInReview: findSummaryComment(pull.reviews.nodes, ownLogin)?.body ?? null,
    threads: pull.reviewThreads,
  };
}

function findSummaryComment(nodes: z.infer<typeof AuthoredNodes>["nodes"], ownLogin: string): { id: number; body: string } | null {
  const found = nodes.findLast((node) => node?.databaseId && node.author && isOwnReviewAuthor(restLoginOf(node.author), ownLogin) && isSummaryComment(node.body));
  return found?.databaseId && found.body ? { id: found.databaseId, body: found.body } : null;
}
