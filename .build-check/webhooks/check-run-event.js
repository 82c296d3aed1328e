export const CHECK_RUN_NAME = "codex-review";
/** `Re-run` on the app's own check run asks for a full review of that head. Pure. */
export function jobFromCheckRun(payload, deliveryId) {
    if (payload.action !== "rerequested")
        return { skip: `check run ${payload.action}` };
    const run = payload.check_run;
    if (!run || !payload.repository)
        return { skip: "payload has no check run or repository" };
    if (run.name !== CHECK_RUN_NAME)
        return { skip: "check run is not ours" };
    const pr = run.pull_requests?.[0];
    if (!pr)
        return { skip: "check run is not on a pull request" };
    if (!payload.installation?.id)
        return { skip: "payload has no installation" };
    return {
        job: {
            kind: "review",
            installationId: payload.installation.id,
            owner: payload.repository.owner.login,
            repo: payload.repository.name,
            pullNumber: pr.number,
            deliveryId,
            headSha: run.head_sha,
            trigger: "rerun",
            mode: "full",
            commentId: null,
            requestedBy: null,
        },
    };
}
