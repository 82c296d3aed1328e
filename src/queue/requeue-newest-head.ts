import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { OWN_DELIVERY_TRIGGERS, REQUEUE_DECISION, type RequeueOutcome } from "./requeue-decision.js";
import { jobId, type ReviewJobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";
import { createScriptWithBullmqAdd } from "./script-with-bullmq-add.js";
import { LATEST_REVIEW_TTL_SECONDS, latestReviewKey, removeWaitingOlderReview } from "./supersede-older-review.js";

/** Queues the review of a PR's head that no delivered push asked for. */
export interface NewestHeadRequeue {
  /**
   * After an automatic review found the PR's head moved to `currentHeadSha`: when no push after this
   * job's was delivered (the PR's latest recorded push is still this job), queues an automatic review of
   * the current head, and returns its job id; null when a later push was delivered (its job reviews it),
   * the current head has a job that reviews it or did, or the job is not automatic. A job that ended
   * superseded or skipped reviewed nothing and does not count. A head that had its own reviewing job lands
   * here too when GitHub's read replica still shows a head older than the job's after every re-read:
   * queueing it would review an older head and record it as the PR's latest push.
   */
  requeue(job: ReviewJobData, currentHeadSha: string, log: Logger): Promise<string | null>;
}

/**
 * Why: ingest lets a PR's newest push supersede its older waiting job, so the order deliveries are ingested
 * in decides which head is left. Deliveries can arrive out of order (two web replicas, GitHub's retries), and
 * a push's webhook can be lost; then the job left is for an older head, finds the head moved, and nothing
 * reviews the newest. The job that finds itself superseded while still recorded as the latest push queues
 * the current head's review, under the id that push's own delivery would give it: a late delivery of that
 * push, or a second finder, adds nothing. The checks, the add and the PR's latest-push record run as one
 * Redis script (requeue-decision.ts): a push ingested meanwhile, or a second finder, cannot slip between them.
 */
export function createNewestHeadRequeue(queue: ReviewQueue, redis: Redis): NewestHeadRequeue {
  const script = createScriptWithBullmqAdd(queue, redis, REQUEUE_DECISION);
  const prefix = queue.toKey("");
  return {
    async requeue(job, currentHeadSha, log) {
      if (job.trigger === "command" || job.trigger === "rerun" || job.headSha === currentHeadSha) return null;
      // The superseded push's event said whether the PR was a draft then; of the current head no event said anything.
      const { draft: _draftThen, ...pushed } = job;
      const newest: ReviewJobData = { ...pushed, headSha: currentHeadSha, trigger: "synchronize", mode: "incremental", commentId: null, requestedBy: null, deliveryId: null };
      const id = jobId(newest);
      const own = OWN_DELIVERY_TRIGGERS.map((trigger) => jobId({ ...newest, trigger }));
      const keys = [prefix + id, queue.toKey("failed"), queue.toKey("completed"), latestReviewKey(queue, job)!, ...own.map((ownId) => prefix + ownId)];
      const argv = [id, job.headSha ?? "", LATEST_REVIEW_TTL_SECONDS, ...own];
      // Twice at most: a stale job of the head's is removed, then the decision is asked again.
      for (let attempt = 0; attempt < 2; attempt++) {
        const [outcome, previous] = (await script.run(newest, id, keys, argv)) as [RequeueOutcome, string];
        if (outcome === "stale") {
          await removeStaleJob(queue, id);
          continue;
        }
        if ((outcome === "add" || outcome === "recorded") && previous) await removeWaitingOlderReview(queue, previous, currentHeadSha);
        if (outcome !== "add") return null;
        log.info({ jobId: id, supersededHead: job.headSha, headSha: currentHeadSha }, "Head moved with no later push delivered: its review queued");
        return id;
      }
      return null;
    },
  };
}

/** Removes the head's job that failed for good or finished without reviewing; a racing requeuer may have replaced it first. */
async function removeStaleJob(queue: ReviewQueue, id: string): Promise<void> {
  const job = await queue.getJob(id);
  // Still the stale one: a racing requeuer's fresh job may have run (and reviewed) since the decision.
  const status = (job?.returnvalue as { status?: unknown } | null | undefined)?.status;
  if (!job || !((await job.isFailed()) || ((status === "superseded" || status === "skipped") && (await job.isCompleted())))) return;
  // BullMQ refuses to remove a locked job; a racing requeuer's removal makes this one find none.
  await job.remove().catch(() => undefined);
}
