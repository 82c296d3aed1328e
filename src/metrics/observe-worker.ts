import type { Job, Worker } from "bullmq";
import { z } from "zod";
import type { AppMetrics } from "./app-metrics.js";

// Read loosely: the metrics follow whatever outcome a job kind returns, and only posted reviews carry counts.
const Outcome = z.object({
  status: z.string(),
  comments: z.number().optional(),
  bodyOnlyFindings: z.number().optional(),
  toolUse: z.object({ calls: z.record(z.string(), z.record(z.string(), z.number())) }).optional(),
});

function secondsOf(job: Job): number | null {
  return job.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : null;
}

/**
 * Records each finished job from the worker's own events: outcome, duration, comments posted and
 * findings moved into the body. The review pipeline itself stays free of metrics code.
 */
// Any job data and name: the metrics read only the outcome a job returns.
export function observeWorker(worker: Pick<Worker<any, any, any>, "on">, metrics: AppMetrics): void {
  worker.on("completed", (job: Job, result: unknown) => {
    const outcome = Outcome.safeParse(result);
    const status = outcome.success ? outcome.data.status : "unknown";
    metrics.jobsFinished.inc({ outcome: status });
    const seconds = secondsOf(job);
    if (seconds !== null) metrics.reviewDuration.observe({ outcome: status }, seconds);
    if (outcome.success && status === "posted") {
      metrics.commentsPosted.inc(outcome.data.comments ?? 0);
      metrics.anchorFallbacks.inc(outcome.data.bodyOnlyFindings ?? 0);
      for (const [tool, byOutcome] of Object.entries(outcome.data.toolUse?.calls ?? {})) {
        for (const [result, count] of Object.entries(byOutcome)) metrics.toolCalls.inc({ tool, outcome: result }, count);
      }
    }
  });
  worker.on("failed", (job: Job | undefined) => {
    if (!job) return;
    // A failure BullMQ will retry is "retrying"; the last one (or an unrecoverable one) is "failed".
    const final = job.finishedOn !== undefined && job.finishedOn !== null;
    const outcome = final ? "failed" : "retrying";
    metrics.jobsFinished.inc({ outcome });
    const seconds = secondsOf(job) ?? (job.processedOn ? (Date.now() - job.processedOn) / 1000 : null);
    if (seconds !== null) metrics.reviewDuration.observe({ outcome }, seconds);
  });
}
