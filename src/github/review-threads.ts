import { z } from "zod";
import type { ReviewThread } from "../review/review-thread.js";
import type { GithubClient, PullRequestRef } from "./github-client.js";
import { isOwnReviewAuthor, restLoginOf } from "./own-review-author.js";

/**
 * The PR's review threads through GraphQL. The first page rides in the ReviewContext query (no extra
 * request); further pages, 100 threads each, only when a PR has more. Every comment of a thread is read
 * (the opening comment with our finding and its marker, our fix reply, people's replies): the first 30
 * with the thread, the rest of a longer discussion 100 at a time.
 */
export const THREADS_PER_PAGE = 100;
const COMMENTS_PER_THREAD = 30;

// Who gave the 👎s is read apart (thumbs-down-reactors.ts), only for the comments that have one: a
// connection under every comment of every thread would cost ~31 rate-limit points per query instead of 1.
const COMMENT_FIELDS = "id databaseId body url authorAssociation author { __typename login } reactionGroups { content users { totalCount } }";

/** The fields of one thread; spread into the queries that read threads. */
export const THREAD_FIELDS = `id isResolved isOutdated path line originalLine resolvedBy { login }
        comments(first: ${COMMENTS_PER_THREAD}) { pageInfo { hasNextPage endCursor } nodes { ${COMMENT_FIELDS} } }`;

/** The selection the ReviewContext query adds to `pullRequest`: the first page of threads. */
export const FIRST_THREADS_SELECTION = `reviewThreads(first: ${THREADS_PER_PAGE}) { pageInfo { hasNextPage endCursor } nodes { ${THREAD_FIELDS} } }`;

const NEXT_THREADS_QUERY = `query ReviewThreads($owner: String!, $repo: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: ${THREADS_PER_PAGE}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${THREAD_FIELDS} } }
    }
  }
}`;

/** A thread's comments after the first page: a long discussion's dismissal, or our fix reply, may be there. */
const MORE_COMMENTS_QUERY = `query ThreadComments($id: ID!, $after: String!) {
  node(id: $id) { ... on PullRequestReviewThread { comments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COMMENT_FIELDS} } } } }
}`;

const Actor = z.object({ __typename: z.string(), login: z.string() }).nullable();

const ThreadNode = z.object({
  id: z.string(),
  isResolved: z.boolean(),
  isOutdated: z.boolean(),
  path: z.string(),
  line: z.number().nullable(),
  originalLine: z.number().nullable(),
  resolvedBy: z.object({ login: z.string() }).nullable(),
  comments: z.object({
    // Without it (a page that did not ask), the comments given are taken as all of them.
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }).optional(),
    nodes: z.array(
      z
        .object({
          databaseId: z.number().nullable(),
          body: z.string(),
          url: z.string().nullable().optional(),
          author: Actor,
          id: z.string(),
          authorAssociation: z.string(),
          reactionGroups: z.array(z.object({ content: z.string(), users: z.object({ totalCount: z.number() }) })).nullable(),
        })
        .nullable(),
    ),
  }),
});
type ThreadNode = z.infer<typeof ThreadNode>;

export const ReviewThreadConnection = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  nodes: z.array(ThreadNode.nullable()),
});
export type ReviewThreadConnection = z.infer<typeof ReviewThreadConnection>;

const MoreCommentsData = z.object({
  node: z.object({ comments: ThreadNode.shape.comments.optional() }).nullable(),
});

const NextThreadsData = z.object({
  repository: z.object({ pullRequest: z.object({ reviewThreads: ReviewThreadConnection }).nullable() }).nullable(),
});

/**
 * All the PR's review threads, starting from the page the ReviewContext query brought. `ownLogin`:
 * the App's bot login (`appBotLogin(slug)`); null (the CLI) trusts markers alone, as for reviews.
 */
export async function readReviewThreads(
  client: GithubClient,
  ref: PullRequestRef,
  firstPage: ReviewThreadConnection,
  ownLogin: string | null,
): Promise<ReviewThread[]> {
  const threads = await toReviewThreads(client, firstPage, ownLogin);
  let page = firstPage.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const raw = await client.graphql(NEXT_THREADS_QUERY, { owner: ref.owner, repo: ref.repo, number: ref.pullNumber, after: page.endCursor });
    const connection = NextThreadsData.parse(raw).repository?.pullRequest?.reviewThreads;
    if (!connection) break;
    threads.push(...(await toReviewThreads(client, connection, ownLogin)));
    page = connection.pageInfo;
  }
  return threads;
}

async function toReviewThreads(client: GithubClient, connection: ReviewThreadConnection, ownLogin: string | null): Promise<ReviewThread[]> {
  const threads: ReviewThread[] = [];
  for (const node of connection.nodes) if (node) threads.push(toReviewThread(await withAllComments(client, node), ownLogin));
  return threads;
}

/** The thread with every comment: one more request per 100 comments, only for threads past the first page. */
async function withAllComments(client: GithubClient, node: ThreadNode): Promise<ThreadNode> {
  const nodes = [...node.comments.nodes];
  let page = node.comments.pageInfo;
  while (page?.hasNextPage && page.endCursor) {
    const more = MoreCommentsData.parse(await client.graphql(MORE_COMMENTS_QUERY, { id: node.id, after: page.endCursor })).node?.comments;
    if (!more) break;
    nodes.push(...more.nodes);
    page = more.pageInfo;
  }
  return { ...node, comments: { ...node.comments, nodes } };
}

function toReviewThread(node: ThreadNode, ownLogin: string | null): ReviewThread {
  return {
    id: node.id,
    isResolved: node.isResolved,
    isOutdated: node.isOutdated,
    path: node.path,
    line: node.line,
    originalLine: node.originalLine,
    resolvedBy: node.resolvedBy?.login ?? null,
    comments: node.comments.nodes.flatMap((comment) => {
      if (!comment) return [];
      const author = comment.author ? restLoginOf(comment.author) : null;
      return [
        {
          id: comment.databaseId,
          nodeId: comment.id,
          body: comment.body,
          url: comment.url ?? null,
          author,
          fromApp: author !== null && isOwnReviewAuthor(author, ownLogin),
          fromPerson: comment.author?.__typename === "User",
          association: comment.authorAssociation,
          thumbsDown: comment.reactionGroups?.find((group) => group.content === "THUMBS_DOWN")?.users.totalCount ?? 0,
          thumbsDownBy: [],
        },
      ];
    }),
  };
}
