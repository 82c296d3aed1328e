import { z } from "zod";
export const ReviewCommentData = z.object({
    id: z.number(),
    body: z.string(),
    path: z.string(),
    diff_hunk: z.string().optional().default(""),
    in_reply_to_id: z.number().nullable().optional(),
    user: z.object({ login: z.string(), type: z.string().optional() }).nullable(),
});
export async function getReviewComment(client, ref, commentId) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/comments/{comment_id}", {
        owner: ref.owner,
        repo: ref.repo,
        comment_id: commentId,
    });
    return ReviewCommentData.parse(data);
}
/** A thread: its first comment and every reply to it, oldest first. */
export async function listThread(client, ref, rootId) {
    const thread = [];
    for (let page = 1;; page++) {
        const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", {
            owner: ref.owner,
            repo: ref.repo,
            pull_number: ref.pullNumber,
            per_page: 100,
            page,
        });
        const comments = z.array(ReviewCommentData).parse(data);
        thread.push(...comments.filter((comment) => comment.id === rootId || comment.in_reply_to_id === rootId));
        if (comments.length < 100)
            return thread.sort((a, b) => a.id - b.id);
    }
}
export async function replyInThread(client, ref, commentId, body) {
    const { data } = await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies", {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.pullNumber,
        comment_id: commentId,
        body,
    });
    return z.object({ id: z.number() }).parse(data).id;
}
