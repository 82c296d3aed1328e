import { z } from "zod";
import type { GithubClient } from "./github-client.js";

/** 👎s read per comment; whether one of them came from a writer decides a dismissal. */
export const THUMBS_DOWN_PER_COMMENT = 10;
const IDS_PER_REQUEST = 100;

const QUERY = `query ThumbsDownReactors($ids: [ID!]!) {
  nodes(ids: $ids) { ... on PullRequestReviewComment { id reactions(content: THUMBS_DOWN, first: ${THUMBS_DOWN_PER_COMMENT}) { nodes { user { login } } } } }
}`;

const ReactorsData = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string().optional(),
        reactions: z.object({ nodes: z.array(z.object({ user: z.object({ login: z.string() }).nullable() }).nullable()) }).optional(),
      })
      .nullable(),
  ),
});

/**
 * Who gave the first 👎s on each review comment (node ids), oldest first; people only (`Reaction.user`
 * is a User). One request per 100 comments; a comment deleted meanwhile is left out.
 */
export async function readThumbsDownReactors(client: GithubClient, commentIds: readonly string[]): Promise<Map<string, string[]>> {
  const reactors = new Map<string, string[]>();
  for (let start = 0; start < commentIds.length; start += IDS_PER_REQUEST) {
    const ids = commentIds.slice(start, start + IDS_PER_REQUEST);
    // A deleted comment comes back null with a NOT_FOUND error beside the others' data.
    const raw = await client.graphql(QUERY, { ids }).catch((error: unknown) => {
      const { data, errors } = error as { data?: unknown; errors?: Array<{ type?: string }> };
      if (data && Array.isArray(errors) && errors.every((entry) => entry.type === "NOT_FOUND")) return data;
      throw error;
    });
    for (const node of ReactorsData.parse(raw).nodes) {
      if (node?.id && node.reactions) reactors.set(node.id, node.reactions.nodes.flatMap((reaction) => (reaction?.user ? [reaction.user.login] : [])));
    }
  }
  return reactors;
}
