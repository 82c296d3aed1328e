/**
 * A pull request review thread as the thread lifecycle reads it (from GraphQL `reviewThreads`), with
 * each author already sorted into the app, a person, or another bot. Data only.
 */
export interface ThreadComment {
  /** REST id of the comment (`databaseId`); null when GitHub does not give one. */
  id: number | null;
  /** GraphQL node id of the comment. */
  nodeId: string;
  body: string;
  url: string | null;
  /** Login as REST spells it (`<slug>[bot]` for Apps); null for a deleted account. */
  author: string | null;
  /** Written by this App. */
  fromApp: boolean;
  /** Written by a person (a GraphQL `User`), not a bot. */
  fromPerson: boolean;
  /** GitHub's `authorAssociation` of the author with the repository (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...). */
  association: string;
  /** 👎 reactions on the comment. */
  thumbsDown: number;
  /** Who gave the first of them (GitHub's order; at most a page), people only; read only when needed, else empty. */
  thumbsDownBy: string[];
}

export interface ReviewThread {
  /** GraphQL node id (what `resolveReviewThread` takes). */
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string;
  /** Line on the current head; null when the thread is outdated. */
  line: number | null;
  /** Line on the commit the thread was raised on. */
  originalLine: number | null;
  /** The person who resolved it; null when unresolved, or resolved by an App (GraphQL's `resolvedBy` is a User). */
  resolvedBy: string | null;
  /** Oldest first: the first is the comment that opened the thread. */
  comments: ThreadComment[];
}
