import { appBotUser, githubUser, type FakePullRequest, type FakeRepo, type GithubFakeState, type GithubReaction, type GithubReviewComment, type GithubUser } from "./github-fake-state.js";
import { threadReply, timestamp } from "./github-fake-routes.js";

/*
 * Review threads, as GitHub's GraphQL API shows them: one thread per review comment that opens one
 * (the comments posted through createReview), its replies in order, whether it is resolved and by whom,
 * and whether later commits changed the commented lines (`isOutdated`), computed with real git when the
 * repository has a history. Reactions on review comments live here too.
 */

/** Resolution state of one thread, keyed by its first comment's id. */
export interface FakeThreadState {
  resolved: boolean;
  /** A person who resolved it; null when unresolved or resolved by an App (GraphQL's `resolvedBy` is a User). */
  resolvedBy: GithubUser | null;
}

interface ThreadStore {
  states: Map<number, FakeThreadState>;
  reactions: Map<number, GithubReaction[]>;
}

const stores = new WeakMap<FakePullRequest, ThreadStore>();

function storeOf(pull: FakePullRequest): ThreadStore {
  let store = stores.get(pull);
  if (!store) {
    store = { states: new Map(), reactions: new Map() };
    stores.set(pull, store);
  }
  return store;
}

/** GitHub's thread node ids look like `PRRT_kwDO...`; the fake's encode the first comment's id. */
export function threadNodeId(rootCommentId: number): string {
  return `PRRT_kwDOfake${rootCommentId.toString(36)}`;
}

function rootIdOf(nodeId: string): number | null {
  const match = /^PRRT_kwDOfake([0-9a-z]+)$/.exec(nodeId);
  return match ? parseInt(match[1]!, 36) : null;
}

export interface FakeThread {
  id: string;
  root: GithubReviewComment;
  /** First comment, then the replies, oldest first. */
  comments: GithubReviewComment[];
  state: FakeThreadState;
}

/** The PR's threads in the order GitHub lists them (oldest first). */
export function threadsOf(pull: FakePullRequest): FakeThread[] {
  const all = [...pull.reviewComments.values()].flat().sort((a, b) => a.id - b.id);
  const store = storeOf(pull);
  return all
    .filter((comment) => comment.in_reply_to_id === undefined)
    .map((root) => ({
      id: threadNodeId(root.id),
      root,
      comments: all.filter((comment) => comment.id === root.id || comment.in_reply_to_id === root.id),
      state: store.states.get(root.id) ?? { resolved: false, resolvedBy: null },
    }));
}

/** The PR (of `repo`) and thread a node id names, or null when there is none (GitHub: NOT_FOUND). */
export function findThread(repo: FakeRepo | undefined, nodeId: string): { pull: FakePullRequest; thread: FakeThread } | null {
  const rootId = rootIdOf(nodeId);
  if (rootId === null || !repo) return null;
  for (const pull of repo.pulls.values()) {
    const thread = threadsOf(pull).find((candidate) => candidate.root.id === rootId);
    if (thread) return { pull, thread };
  }
  return null;
}

export function setThreadResolved(pull: FakePullRequest, rootId: number, resolved: boolean, by: GithubUser | null): void {
  storeOf(pull).states.set(rootId, { resolved, resolvedBy: resolved && by?.type === "User" ? by : null });
}

export function reactToReviewComment(pull: FakePullRequest, state: GithubFakeState, commentId: number, content: string, user: GithubUser): void {
  const reactions = storeOf(pull).reactions;
  const list = reactions.get(commentId) ?? [];
  list.push({ id: state.nextId++, node_id: `REA_fake${state.nextId}`, user, content, created_at: timestamp() });
  reactions.set(commentId, list);
}

const REACTION_CONTENT: Record<string, string> = {
  "+1": "THUMBS_UP",
  "-1": "THUMBS_DOWN",
  laugh: "LAUGH",
  hooray: "HOORAY",
  confused: "CONFUSED",
  heart: "HEART",
  rocket: "ROCKET",
  eyes: "EYES",
};

/**
 * Where the thread's first comment sits on the PR's current head: GitHub follows a commented line
 * through later commits, and marks the thread outdated once a commit changes the lines it covers.
 */
export function placeOnHead(repo: FakeRepo, pull: FakePullRequest, root: GithubReviewComment): { line: number | null; isOutdated: boolean } {
  const original = root.original_line;
  if (!repo.git || !pull.branches || original === null || root.side !== "RIGHT" || root.original_commit_id === pull.head.sha) {
    return { line: original, isOutdated: false };
  }
  const first = root.original_start_line ?? original;
  const diff = repo.git.git("diff", "--no-color", "--no-ext-diff", "-U0", root.original_commit_id, pull.head.sha, "--", root.path);
  if (/^deleted file mode/m.test(diff)) return { line: null, isOutdated: true };
  let shift = 0;
  for (const match of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    const oldStart = Number(match[1]);
    const oldCount = match[2] === undefined ? 1 : Number(match[2]);
    const newCount = match[4] === undefined ? 1 : Number(match[4]);
    // `-a,0`: lines inserted after line a; otherwise lines a..a+count-1 were replaced or deleted.
    const oldEnd = oldCount === 0 ? oldStart : oldStart + oldCount - 1;
    if (oldCount > 0 && oldStart <= original && oldEnd >= first) return { line: null, isOutdated: true };
    if (oldEnd < first || (oldCount === 0 && oldStart < first)) shift += newCount - oldCount;
  }
  return { line: original + shift, isOutdated: false };
}

/** One thread as GraphQL's `PullRequestReviewThread` (every field the app may select). */
/** A `comments(first:, after:)` page as GitHub cuts it; none given: all of them (the fake's own reads). */
export interface CommentsPage {
  first?: number;
  after?: string;
}

/**
 * GitHub's `authorAssociation` of a comment's author, from the repository's permission table: the
 * owner is OWNER, anyone given a role (read included, as for a read-only collaborator) COLLABORATOR,
 * everyone else (a fork's author, a bot) NONE.
 */
export function associationOf(repo: FakeRepo, user: GithubUser): string {
  if (user.type !== "User") return "NONE";
  if (user.login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  const role = repo.permissions.get(user.login.toLowerCase());
  return role && role !== "none" ? "COLLABORATOR" : "NONE";
}

const commentCursor = (index: number) => Buffer.from(`cursor:v2:${index}`).toString("base64");

export function threadJson(repo: FakeRepo, pull: FakePullRequest, thread: FakeThread, page: CommentsPage = {}): Record<string, unknown> {
  const placed = placeOnHead(repo, pull, thread.root);
  return {
    __typename: "PullRequestReviewThread",
    id: thread.id,
    isResolved: thread.state.resolved,
    isCollapsed: thread.state.resolved,
    isOutdated: placed.isOutdated,
    path: thread.root.path,
    line: placed.line,
    originalLine: thread.root.original_line,
    startLine: placed.isOutdated ? null : thread.root.start_line,
    originalStartLine: thread.root.original_start_line,
    diffSide: thread.root.side,
    resolvedBy: thread.state.resolvedBy ? { login: thread.state.resolvedBy.login } : null,
    comments: commentsJson(repo, pull, thread, page),
  };
}

/** One page of a thread's comments, with GitHub's cursors. */
export function commentsJson(repo: FakeRepo, pull: FakePullRequest, thread: FakeThread, page: CommentsPage = {}): Record<string, unknown> {
  const reactions = storeOf(pull).reactions;
  const start = page.after ? Number(Buffer.from(page.after, "base64").toString("utf8").replace(/^cursor:v2:/, "")) + 1 : 0;
  const shown = thread.comments.slice(start, page.first === undefined ? undefined : start + Math.min(page.first, 100));
  const end = start + shown.length - 1;
  return {
      totalCount: thread.comments.length,
      pageInfo: { hasNextPage: end < thread.comments.length - 1, endCursor: shown.length > 0 ? commentCursor(end) : null },
      nodes: shown.map((comment) => ({
        __typename: "PullRequestReviewComment",
        id: comment.node_id,
        databaseId: comment.id,
        body: comment.body,
        url: comment.html_url,
        path: comment.path,
        diffHunk: comment.diff_hunk,
        createdAt: comment.created_at,
        author: { __typename: comment.user.type === "Bot" ? "Bot" : "User", login: comment.user.login.replace(/\[bot\]$/, "") },
        authorAssociation: associationOf(repo, comment.user),
        reactionGroups: Object.entries(REACTION_CONTENT).map(([rest, content]) => ({
          content,
          users: { totalCount: (reactions.get(comment.id) ?? []).filter((reaction) => reaction.content === rest).length },
        })),
      })),
  };
}

/** The review comment with GraphQL node id `nodeId`, and its PR, or null when there is none. */
export function findReviewComment(repo: FakeRepo, nodeId: string): { pull: FakePullRequest; comment: GithubReviewComment } | null {
  for (const pull of repo.pulls.values()) {
    const comment = [...pull.reviewComments.values()].flat().find((candidate) => candidate.node_id === nodeId);
    if (comment) return { pull, comment };
  }
  return null;
}

/** `reactions(content:, first:)` of a review comment: its reactions of that kind, oldest first; `user` is a User (null for an App's). */
export function reviewCommentReactionsJson(pull: FakePullRequest, commentId: number, args: { content?: string; first?: number }): Record<string, unknown> {
  const all = storeOf(pull).reactions.get(commentId) ?? [];
  const matching = args.content ? all.filter((reaction) => REACTION_CONTENT[reaction.content] === args.content) : all;
  return {
    totalCount: matching.length,
    nodes: matching.slice(0, Math.min(args.first ?? 100, 100)).map((reaction) => ({
      __typename: "Reaction",
      content: REACTION_CONTENT[reaction.content],
      user: reaction.user.type === "User" ? { __typename: "User", login: reaction.user.login } : null,
    })),
  };
}

/** `addPullRequestReviewThreadReply`: a reply by the App in the thread. */
export function replyToThread(state: GithubFakeState, pull: FakePullRequest, thread: FakeThread, body: string): GithubReviewComment {
  return threadReply({ state }, pull, thread.root, body, appBotUser(state));
}

export { githubUser };
