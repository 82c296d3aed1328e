import { commentOnPullRequest, reactToComment } from "../github/conversation.js";
import { NO_ACCESS_REPLY, renderHelp } from "../review/render-notices.js";
import { mayRunCommands } from "./may-run-commands.js";
import { loadRepoSettings } from "./pull-request-context.js";
const NEEDS_WRITE = new Set(["pause", "resume"]);
/** `/codex pause|resume|help` and unknown commands (answered with the help). */
export async function runCommand(job, deps) {
    const { github } = deps;
    const ref = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
    if (NEEDS_WRITE.has(job.command) && !(await mayRunCommands(github, ref, job.requestedBy))) {
        await commentOnPullRequest(github, ref, `@${job.requestedBy} ${NO_ACCESS_REPLY}`);
        return { status: "refused", reason: "requester lacks write access" };
    }
    await reactToComment(github, ref, job.commentId, "eyes");
    switch (job.command) {
        case "pause":
        case "resume":
            await deps.pauses.setPaused(job, job.command === "pause");
            await reactToComment(github, ref, job.commentId, "+1");
            return { status: "done", action: job.command === "pause" ? "paused automatic reviews" : "resumed automatic reviews" };
        default: {
            const { config, source } = await loadRepoSettings(github, ref, deps.settings, deps.log);
            const unknown = job.command === "help" ? null : job.command;
            await commentOnPullRequest(github, ref, renderHelp(deps.appSlug, config, source, await deps.pauses.isPaused(job), unknown));
            await reactToComment(github, ref, job.commentId, unknown ? "confused" : "+1");
            return { status: "done", action: unknown ? `answered unknown command ${unknown} with the help` : "posted the help" };
        }
    }
}
