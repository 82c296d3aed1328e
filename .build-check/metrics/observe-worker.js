import { z } from "zod";
// Read loosely: the metrics follow whatever outcome a job kind returns, and only posted reviews carry counts.
const Outcome = z.object({
    status: z.string(),
    comments: z.number().optional(),
    bodyOnlyFindings: z.number().optional(),
});
function secondsOf(job) {
    return job.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : null;
}
/**
 * Records each finished job from the worker's own events: outcome, duration, comments posted and
 * findings moved into the body. The review pipeline itself stays free of metrics code.
 */
// Any job data and name: the metrics read only the outcome a job returns.
export function observeWorker(worker, metrics) {
    worker.on("completed", (job, result) => {
        const outcome = Outcome.safeParse(result);
        const status = outcome.success ? outcome.data.status : "unknown";
        metrics.jobsFinished.inc({ outcome: status });
        const seconds = secondsOf(job);
        if (seconds !== null)
            metrics.reviewDuration.observe({ outcome: status }, seconds);
        if (outcome.success && status === "posted") {
            metrics.commentsPosted.inc(outcome.data.comments ?? 0);
            metrics.anchorFallbacks.inc(outcome.data.bodyOnlyFindings ?? 0);
        }
    });
    worker.on("failed", (job) => {
        if (!job)
            return;
        // A failure BullMQ will retry is "retrying"; the last one (or an unrecoverable one) is "failed".
        const final = job.finishedOn !== undefined && job.finishedOn !== null;
        const outcome = final ? "failed" : "retrying";
        metrics.jobsFinished.inc({ outcome });
        const seconds = secondsOf(job) ?? (job.processedOn ? (Date.now() - job.processedOn) / 1000 : null);
        if (seconds !== null)
            metrics.reviewDuration.observe({ outcome }, seconds);
    });
}
