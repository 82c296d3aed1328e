import { z } from "zod";
const IssueComment = z.object({ id: z.number(), body: z.string().nullable().optional() });
/** Whether any comment on the PR already contains `marker` (so a notice is posted once). */
export async function pullHasCommentWith(client, ref, marker) {
    for (let page = 1;; page++) {
        const { data } = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
            owner: ref.owner,
            repo: ref.repo,
            issue_number: ref.pullNumber,
            per_page: 100,
            page,
        });
        const comments = z.array(IssueComment).parse(data);
        if (comments.some((comment) => comment.body?.includes(marker)))
            return true;
        if (comments.length < 100)
            return false;
    }
}
