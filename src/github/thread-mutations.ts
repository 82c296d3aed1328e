import type { GithubClient } from "./github-client.js";

/**
 * Replies in review threads and their resolution, many to ONE GraphQL mutation document (aliases
 * `r0`, `r1`, ... / `t0`, `t1`, ...), so the number of requests does not grow with the number of
 * threads. GitHub runs a mutation's fields one after the other; a field that fails (a thread deleted
 * meanwhile: NOT_FOUND) comes back null with an error naming its alias, and the others still run.
 */
export interface MutationDocument {
  query: string;
  variables: Record<string, string>;
}

export interface ThreadReply {
  threadId: string;
  body: string;
}

/** Per thread id: done, or GitHub's error message. */
export interface MutationResults {
  done: string[];
  failed: Array<{ threadId: string; message: string }>;
}

export function buildReplyMutation(replies: readonly ThreadReply[]): MutationDocument {
  const variables: Record<string, string> = {};
  const declared: string[] = [];
  const fields = replies.map((reply, i) => {
    variables[`t${i}`] = reply.threadId;
    variables[`b${i}`] = reply.body;
    declared.push(`$t${i}: ID!`, `$b${i}: String!`);
    return `  r${i}: addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $t${i}, body: $b${i} }) { comment { databaseId } }`;
  });
  return { query: `mutation ReplyInThreads(${declared.join(", ")}) {\n${fields.join("\n")}\n}`, variables };
}

export function buildResolveMutation(threadIds: readonly string[], resolve = true): MutationDocument {
  const field = resolve ? "resolveReviewThread" : "unresolveReviewThread";
  const variables: Record<string, string> = {};
  const fields = threadIds.map((id, i) => {
    variables[`t${i}`] = id;
    return `  t${i}: ${field}(input: { threadId: $t${i} }) { thread { id isResolved } }`;
  });
  const declared = threadIds.map((_, i) => `$t${i}: ID!`).join(", ");
  return { query: `mutation ${resolve ? "ResolveThreads" : "UnresolveThreads"}(${declared}) {\n${fields.join("\n")}\n}`, variables };
}

export async function replyInThreads(client: GithubClient, replies: readonly ThreadReply[]): Promise<MutationResults> {
  if (replies.length === 0) return { done: [], failed: [] };
  const { query, variables } = buildReplyMutation(replies);
  // A reply is not idempotent: no blind retry of a lost answer. The job's retry finds the replies GitHub
  // stored by their markers (thread-findings.ts) and only resolves.
  return runMutation(client, query, variables, replies.map((reply) => reply.threadId), "r", { retries: 0 });
}

export async function resolveThreads(client: GithubClient, threadIds: readonly string[], resolve = true): Promise<MutationResults> {
  if (threadIds.length === 0) return { done: [], failed: [] };
  const { query, variables } = buildResolveMutation(threadIds, resolve);
  return runMutation(client, query, variables, threadIds, "t");
}

/**
 * Runs a document and reads which aliases worked. Octokit throws on any `errors`, with the partial
 * `data` attached: a document where only some fields failed is read, not failed as a whole.
 */
async function runMutation(
  client: GithubClient,
  query: string,
  variables: Record<string, string>,
  threadIds: readonly string[],
  prefix: string,
  request?: { retries: number },
): Promise<MutationResults> {
  let data: Record<string, unknown>;
  let errors: Array<{ message?: string; path?: unknown[] }> = [];
  try {
    data = ((await client.graphql(query, request ? { ...variables, request } : variables)) ?? {}) as Record<string, unknown>;
  } catch (error) {
    const partial = error as { data?: Record<string, unknown> | null; errors?: Array<{ message?: string; path?: unknown[] }> };
    if (!partial.data || !Array.isArray(partial.errors)) throw error;
    data = partial.data;
    errors = partial.errors;
  }
  const results: MutationResults = { done: [], failed: [] };
  threadIds.forEach((threadId, i) => {
    const alias = `${prefix}${i}`;
    if (data[alias]) results.done.push(threadId);
    else results.failed.push({ threadId, message: errors.find((entry) => entry.path?.[0] === alias)?.message ?? "no result" });
  });
  return results;
}
