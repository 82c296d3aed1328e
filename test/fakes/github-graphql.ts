import { validate } from "@octokit/graphql-schema";
import { Kind, parse, valueFromASTUntyped, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { RouteReply } from "./github-fake-routes.js";
import { readHeadSha, repoKey, type FakePullRequest, type FakeRepo, type GithubFakeState } from "./github-fake-state.js";
import { baseTipSha, syncPullWithGit } from "./github-git.js";
import { commentsJson, findReviewComment, findThread, replyToThread, reviewCommentReactionsJson, setThreadResolved, threadJson, threadsOf, type CommentsPage } from "./github-threads.js";

/**
 * GitHub's GraphQL endpoint (`POST /api/graphql` on Enterprise). Every document is first validated
 * against GitHub's published schema (`@octokit/graphql-schema`): an invalid one gets GitHub's error
 * answer and is recorded as unexpected. Then the fake answers the operations the app sends:
 * `ReviewContext` (with the first page of review threads), `ReviewThreads` (further pages),
 * `ThreadComments` (a thread's further comments, through `node(id:)`), `ThumbsDownReactors` (who
 * reacted 👎 to review comments, through `nodes(ids:)`), and the
 * mutations `resolveReviewThread`, `unresolveReviewThread` and `addPullRequestReviewThreadReply`,
 * aliased several to a document. Anything else is a test failure (recorded as unexpected).
 */
export function answerGraphql(body: unknown, state: GithubFakeState, origin: string): RouteReply {
  const { query, variables = {} } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
  if (typeof query !== "string") return { status: 400, json: { message: "Problems parsing JSON" }, unexpected: "a GraphQL request without a query" };
  const invalid = validateOnce(query);
  if (invalid.length > 0) {
    const errors = invalid.map((error) => ({ message: error.message, locations: error.locations }));
    return { status: 200, json: { errors }, unexpected: `GraphQL document invalid against GitHub's schema: ${invalid.map((error) => error.message).join("; ")}` };
  }
  const document = parseOnce(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operation?.operation === "mutation") return answerMutation(operation, variables, state);
  const name = operation?.name?.value;
  if (name === "ReviewContext") return answerReviewContext(document, variables, state, origin);
  if (name === "ReviewThreads") return answerThreadPage(document, variables, state, origin);
  if (name === "ThreadComments") return answerThreadComments(document, variables, state);
  if (name === "ThumbsDownReactors") return answerCommentReactions(document, variables, state);
  return { status: 200, json: { errors: [{ message: "the fake does not answer this query" }] }, unexpected: `unknown GraphQL query: ${query.slice(0, 80)}` };
}

/**
 * Validation against GitHub's schema is pure in the document's text; a fake answering thousands of
 * requests (the benchmark's) validates each distinct document once, as strictly, instead of spending
 * CPU on it per request beside the processes it measures.
 */
const validated = new Map<string, ReturnType<typeof validate>>();

function validateOnce(query: string): ReturnType<typeof validate> {
  let errors = validated.get(query);
  if (!errors) validated.set(query, (errors = validate(query)));
  return errors;
}

const parsed = new Map<string, DocumentNode>();

/** The document's syntax tree, parsed once per distinct text (the answers only read it). */
function parseOnce(query: string): DocumentNode {
  let document = parsed.get(query);
  if (!document) parsed.set(query, (document = parse(query)));
  return document;
}

function pullOf(state: GithubFakeState, variables: Record<string, unknown>): { repo: FakeRepo | undefined; pull: FakePullRequest | undefined } {
  const repo = state.repos.get(repoKey(String(variables.owner ?? ""), String(variables.repo ?? "")));
  return { repo, pull: repo?.pulls.get(Number(variables.number)) };
}

/** `reviewThreads(first:, after:)` of the document: GitHub's page of the PR's threads, with a cursor. */
function threadPage(document: DocumentNode, variables: Record<string, unknown>, repo: FakeRepo, pull: FakePullRequest): Record<string, unknown> {
  const field = findField(document.definitions.flatMap((definition) => ("selectionSet" in definition && definition.selectionSet ? [definition.selectionSet] : [])), "reviewThreads");
  const args = Object.fromEntries((field?.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables)]));
  const first = Math.min(100, Number(args.first ?? 100));
  const start = typeof args.after === "string" ? Number(Buffer.from(args.after, "base64").toString("utf8").replace(/^cursor:v2:/, "")) + 1 : 0;
  const threads = threadsOf(pull);
  const page = threads.slice(start, start + first);
  const end = start + page.length - 1;
  // Each thread's comments as the document pages them (GitHub returns `first` of them, never more).
  const commentsField = field?.selectionSet ? findField([field.selectionSet], "comments") : undefined;
  const commentsPage = commentsPageOf(commentsField, variables);
  return {
    totalCount: threads.length,
    pageInfo: { hasNextPage: end < threads.length - 1, endCursor: page.length > 0 ? Buffer.from(`cursor:v2:${end}`).toString("base64") : null },
    nodes: page.map((thread) => threadJson(repo, pull, thread, commentsPage)),
  };
}

function commentsPageOf(field: FieldNode | undefined, variables: Record<string, unknown>): CommentsPage {
  const args = Object.fromEntries((field?.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables)]));
  return { first: Number(args.first ?? 100), ...(typeof args.after === "string" ? { after: args.after } : {}) };
}

/** `ThreadComments`: `node(id:)` on a review thread, a further page of its comments. */
function answerThreadComments(document: DocumentNode, variables: Record<string, unknown>, state: GithubFakeState): RouteReply {
  const nodeField = findField(document.definitions.flatMap((definition) => ("selectionSet" in definition && definition.selectionSet ? [definition.selectionSet] : [])), "node");
  const id = String(Object.fromEntries((nodeField?.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables)])).id ?? "");
  const found = findThreadAnywhere(state, id);
  if (!found) return { status: 200, json: { data: { node: null }, errors: [{ type: "NOT_FOUND", path: ["node"], message: `Could not resolve to a node with the global id of '${id}'` }] } };
  const commentsField = nodeField?.selectionSet ? findField([nodeField.selectionSet], "comments") : undefined;
  return { status: 200, json: { data: { node: { __typename: "PullRequestReviewThread", id, comments: commentsJson(found.repo, found.pull, found.thread, commentsPageOf(commentsField, variables)) } } } };
}

/**
 * `ThumbsDownReactors`: `nodes(ids:)` on review comments, each with its `reactions(content:, first:)`.
 * An id that names no comment is null in `nodes`, with GitHub's NOT_FOUND error for its index.
 */
function answerCommentReactions(document: DocumentNode, variables: Record<string, unknown>, state: GithubFakeState): RouteReply {
  const sets = document.definitions.flatMap((definition) => ("selectionSet" in definition && definition.selectionSet ? [definition.selectionSet] : []));
  const argsOf = (field: FieldNode | undefined) => Object.fromEntries((field?.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables)]));
  const nodesField = findField(sets, "nodes");
  const ids = argsOf(nodesField).ids;
  if (!Array.isArray(ids) || ids.length > 100) return { status: 200, json: { errors: [{ message: "ids: at most 100" }] }, unexpected: "ThumbsDownReactors without 1..100 ids" };
  const reactionArgs = argsOf(nodesField?.selectionSet ? findField([nodesField.selectionSet], "reactions") : undefined);
  const args = { ...(typeof reactionArgs.content === "string" ? { content: reactionArgs.content } : {}), ...(reactionArgs.first !== undefined ? { first: Number(reactionArgs.first) } : {}) };
  const errors: Array<Record<string, unknown>> = [];
  const nodes = ids.map((id, index) => {
    for (const repo of state.repos.values()) {
      const found = findReviewComment(repo, String(id));
      if (found) return { __typename: "PullRequestReviewComment", id: found.comment.node_id, reactions: reviewCommentReactionsJson(found.pull, found.comment.id, args) };
    }
    errors.push({ type: "NOT_FOUND", path: ["nodes", index], message: `Could not resolve to a node with the global id of '${String(id)}'` });
    return null;
  });
  return { status: 200, json: errors.length > 0 ? { data: { nodes }, errors } : { data: { nodes } } };
}

function findField(sets: readonly SelectionSetNode[], name: string): FieldNode | undefined {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && selection.name.value === name) return selection;
      const inner = "selectionSet" in selection && selection.selectionSet ? findField([selection.selectionSet], name) : undefined;
      if (inner) return inner;
    }
  }
  return undefined;
}

function answerReviewContext(document: DocumentNode, variables: Record<string, unknown>, state: GithubFakeState, origin: string): RouteReply {
  const owner = String(variables.owner ?? "");
  const name = String(variables.repo ?? "");
  const number = Number(variables.number);
  const configPath = String(variables.configPath ?? "").replace(/^HEAD:/, "");
  const { repo, pull } = pullOf(state, variables);
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
        baseRef: baseRefJson(repo, pull),
        reviews: {
          nodes: pull.reviews.slice(-100).map((review) => ({
            databaseId: review.id,
            body: review.body,
            author: { __typename: review.user.type === "Bot" ? "Bot" : "User", login: review.user.login.replace(/\[bot\]$/, "") },
          })),
        },
        comments: {
          nodes: [...repo.issueComments.values()]
            .filter((entry) => entry.number === pull.number)
            .slice(-100)
            .map(({ comment }) => ({
              databaseId: comment.id,
              body: comment.body,
              author: { __typename: comment.user.type === "Bot" ? "Bot" : "User", login: comment.user.login.replace(/\[bot\]$/, "") },
            })),
        },
        reviewThreads: threadPage(document, variables, repo, pull),
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

/** `baseRef { target { oid } }`: the base branch now, null once it is deleted (the fake answers the selection the app sends). */
function baseRefJson(repo: FakeRepo, pull: FakePullRequest): Record<string, unknown> | null {
  const tip = baseTipSha(repo, pull);
  return tip === null ? null : { target: { oid: tip } };
}

function answerThreadPage(document: DocumentNode, variables: Record<string, unknown>, state: GithubFakeState, origin: string): RouteReply {
  const { repo, pull } = pullOf(state, variables);
  if (!repo || !pull) return { status: 200, json: { data: { repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository" }] }, unexpected: "ReviewThreads for a PR not in the fake" };
  syncPullWithGit(repo, pull, origin);
  return { status: 200, json: { data: { repository: { pullRequest: { reviewThreads: threadPage(document, variables, repo, pull) } } } } };
}

/**
 * The thread mutations, run in document order as GitHub runs a mutation's fields (serially). A thread
 * id that names no thread gets GitHub's NOT_FOUND error for that field, `null` in its place in `data`,
 * and the other fields still run.
 */
function answerMutation(operation: OperationDefinitionNode, variables: Record<string, unknown>, state: GithubFakeState): RouteReply {
  const data: Record<string, unknown> = {};
  const errors: Array<Record<string, unknown>> = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return { status: 200, json: { errors: [{ message: "fragments in mutations are not answered by the fake" }] }, unexpected: "a fragment in a mutation" };
    const key = selection.alias?.value ?? selection.name.value;
    const input = (Object.fromEntries((selection.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, variables)])).input ?? {}) as Record<string, unknown>;
    const nodeId = String(input.threadId ?? input.pullRequestReviewThreadId ?? "");
    const found = findThreadAnywhere(state, nodeId);
    const notFound = () => {
      data[key] = null;
      errors.push({ type: "NOT_FOUND", path: [key], locations: [{ line: selection.loc?.startToken.line ?? 1, column: selection.loc?.startToken.column ?? 1 }], message: `Could not resolve to a node with the global id of '${nodeId}'` });
    };
    switch (selection.name.value) {
      case "resolveReviewThread":
      case "unresolveReviewThread": {
        if (!found) {
          notFound();
          break;
        }
        const resolved = selection.name.value === "resolveReviewThread";
        setThreadResolved(found.pull, found.thread.root.id, resolved, null);
        data[key] = { thread: { id: found.thread.id, isResolved: resolved } };
        break;
      }
      case "addPullRequestReviewThreadReply": {
        if (!found) {
          notFound();
          break;
        }
        const text = typeof input.body === "string" ? input.body : "";
        if (text.trim() === "") {
          data[key] = null;
          errors.push({ type: "UNPROCESSABLE", path: [key], message: "Body can't be blank" });
          break;
        }
        const reply = replyToThread(state, found.pull, found.thread, text);
        data[key] = { comment: { id: reply.node_id, databaseId: reply.id, url: reply.html_url, body: reply.body } };
        break;
      }
      default:
        return { status: 200, json: { errors: [{ message: `the fake does not answer ${selection.name.value}` }] }, unexpected: `unknown GraphQL mutation ${selection.name.value}` };
    }
  }
  return { status: 200, json: errors.length > 0 ? { data, errors } : { data } };
}

function findThreadAnywhere(state: GithubFakeState, nodeId: string) {
  for (const repo of state.repos.values()) {
    const found = findThread(repo, nodeId);
    if (found) return { ...found, repo };
  }
  return null;
}
