import { z } from "zod";
export async function reactToComment(client, ref, commentId, content) {
    await client.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
        owner: ref.owner,
        repo: ref.repo,
        comment_id: commentId,
        content,
    });
}
export async function commentOnPullRequest(client, ref, body) {
    await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.pullNumber,
        body,
    });
}
const WRITE_PERMISSIONS = new Set(["admin", "maintain", "write"]);
/** Whether a user may trigger reviews: write access or more to the repository. */
export async function hasWriteAccess(client, ref, username) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
        owner: ref.owner,
        repo: ref.repo,
        username,
    });
    const { permission, role_name } = z.object({ permission: z.string(), role_name: z.string().optional() }).parse(data);
    return WRITE_PERMISSIONS.has(permission) || (role_name !== undefined && WRITE_PERMISSIONS.has(role_name));
}
