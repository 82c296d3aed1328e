import { getReviewComment, listThread, replyInThread } from "../github/review-comments.js";
import { buildThreadPrompt } from "../review/build-thread-prompt.js";
import { NO_ACCESS_REPLY } from "../review/render-notices.js";
import { renderProse } from "../review/render-review.js";
import { mayRunCommands } from "./may-run-commands.js";
const answerMarker = (commentId) => `<!-- codex-review:answer-to=${commentId} -->`;
/** Answers a reply in one of the app's review threads, in that thread, with the thread as context. */
export async function answerThread(job, deps) {
    const { github } = deps;
    const ref = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
    const question = await getReviewComment(github, ref, job.commentId);
    const rootId = question.in_reply_to_id ?? question.id;
    const thread = await listThread(github, ref, rootId);
    const root = thread[0];
    const appLogin = `${deps.appSlug}[bot]`;
    if (!root || root.id !== rootId || root.user?.login !== appLogin)
        return { status: "skipped", reason: "the thread is not one of the app's" };
    // A retry after the answer was posted finds it and stops.
    if (thread.some((comment) => comment.body.includes(answerMarker(job.commentId))))
        return { status: "done", action: "already answered" };
    if (!(await mayRunCommands(github, ref, job.requestedBy))) {
        await replyInThread(github, ref, rootId, `@${job.requestedBy} ${NO_ACCESS_REPLY}\n${answerMarker(job.commentId)}`);
        return { status: "refused", reason: "requester lacks write access" };
    }
    const upToQuestion = thread.filter((comment) => comment.id <= job.commentId);
    const prompt = buildThreadPrompt({
        path: root.path,
        diffHunk: root.diff_hunk,
        messages: upToQuestion.map((comment) => ({ author: comment.user?.login ?? "ghost", fromApp: comment.user?.login === appLogin, body: comment.body })),
    });
    const { text, usage } = await deps.responder.answer(prompt);
    await replyInThread(github, ref, rootId, `${renderProse(text)}\n\n${answerMarker(job.commentId)}`);
    deps.log.info({ usage }, "Answered in the review thread");
    return { status: "done", action: "answered in the thread" };
}
