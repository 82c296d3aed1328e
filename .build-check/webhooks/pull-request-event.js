import { AUTOMATIC_TRIGGERS } from "../queue/review-job.js";
/** Maps a `pull_request` delivery to a review job, or says why none is due. Pure. */
export function jobFromPullRequest(payload, deliveryId) {
    const trigger = AUTOMATIC_TRIGGERS.find((action) => action === payload.action);
    if (!trigger)
        return { skip: `action ${payload.action} does not trigger a review` };
    const pr = payload.pull_request;
    if (!pr || !payload.repository)
        return { skip: "payload has no pull request or repository" };
    if (!payload.installation?.id)
        return { skip: "payload has no installation" };
    if (pr.state !== "open")
        return { skip: "pull request is not open" };
    return {
        job: {
            kind: "review",
            installationId: payload.installation.id,
            owner: payload.repository.owner.login,
            repo: payload.repository.name,
            pullNumber: pr.number,
            headSha: pr.head.sha,
            trigger,
            // A push is reviewed from the last reviewed head; other events review the whole PR.
            mode: trigger === "synchronize" ? "incremental" : "full",
            commentId: null,
            requestedBy: null,
            deliveryId,
        },
    };
}
