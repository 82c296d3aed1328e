import type { Redis } from "ioredis";
import type { ApplicationFunction } from "probot";
import { enqueueJob, hasFailedJob, type ReviewQueue } from "./queue/review-queue.js";
import { jobFromCheckRun } from "./webhooks/check-run-event.js";
import type { DeliveryLedger } from "./webhooks/delivery-ledger.js";
import { gateRequest } from "./webhooks/gate-request.js";
import { jobFromComment } from "./webhooks/issue-comment-event.js";
import { jobFromPullRequest, type JobDecision } from "./webhooks/pull-request-event.js";
import type { PersonReplyLimit } from "./webhooks/person-reply-limit.js";
import { refuseWhenQueueDown } from "./webhooks/refuse-when-queue-down.js";
import { jobFromReviewComment } from "./webhooks/review-comment-event.js";

export interface AppDependencies {
  queue: ReviewQueue;
  /** The queue's Redis, for the bookkeeping next to it (latest job per PR). */
  redis: Redis;
  /** The App's slug, for `@<slug>` mentions. */
  appSlug: string;
  /** Remembers delivery ids so a replayed delivery is ignored. */
  deliveries?: DeliveryLedger;
  /**
   * One answer per person per repo per hour for requests without visible write access and for help;
   * none means unlimited. (The model budget is charged in the worker, where the work is known.)
   */
  replyLimit?: PersonReplyLimit;
}

/**
 * The Probot app: handlers only filter, map the payload to job data and enqueue. They make no GitHub
 * or model calls, so GitHub gets its 2xx within milliseconds.
 */
export function createApp({ queue, redis, appSlug, deliveries, replyLimit }: AppDependencies): ApplicationFunction {
  return (app) => {
    const enqueue = refuseWhenQueueDown(async (decision: JobDecision, log: typeof app.log, authorAssociation?: string | null) => {
      if ("skip" in decision) {
        log.debug({ reason: decision.skip }, "No job due");
        return;
      }
      const { job } = decision;
      // After the signature check, so only GitHub can mark an id as seen. Redeliver reuses the event's
      // GUID: a replay gets through only when the event's job failed for good (enqueueJob replaces it).
      if (deliveries && job.deliveryId && !(await deliveries.remember(job.deliveryId)) && !(await hasFailedJob(queue, job))) {
        log.info({ deliveryId: job.deliveryId }, "Delivery already handled: replay ignored");
        return;
      }
      try {
        const gate = gateRequest(job, authorAssociation);
        if (replyLimit && gate.limit === "per-person" && !(await replyLimit.take(job.owner, job.repo, gate.login))) {
          // Its first request this hour got (or gets) an answer saying so; this one costs nothing.
          log.info({ login: gate.login, reason: gate.reason, kind: job.kind }, "Request over its per-person reply limit: ignored");
          return;
        }
        const { jobId, duplicate } = await enqueueJob(queue, job, { supersedeWith: redis });
        log.info({ jobId, duplicate, kind: job.kind }, duplicate ? "Job already queued" : "Job queued");
      } catch (error) {
        // Not handled after all: a redelivery of this id must get through.
        if (deliveries && job.deliveryId) await deliveries.forget(job.deliveryId).catch(() => undefined);
        throw error;
      }
    });

    app.on(
      ["pull_request.opened", "pull_request.reopened", "pull_request.synchronize", "pull_request.ready_for_review"],
      async (context) => enqueue(jobFromPullRequest(context.payload, context.id), context.log),
    );
    app.on("issue_comment.created", async (context) =>
      enqueue(jobFromComment(context.payload, context.id, appSlug), context.log, context.payload.comment.author_association),
    );
    app.on("pull_request_review_comment.created", async (context) =>
      enqueue(jobFromReviewComment(context.payload, context.id, appSlug), context.log, context.payload.comment.author_association),
    );
    app.on("check_run.rerequested", async (context) => enqueue(jobFromCheckRun(context.payload, context.id), context.log));

    app.on(["installation.created", "installation_repositories.added"], async (context) => {
      const payload = context.payload;
      const repositories =
        "repositories_added" in payload ? payload.repositories_added : (payload.repositories ?? []);
      // Installing is not a request for reviews: PRs are reviewed when they next change or are asked for.
      context.log.info(
        { installationId: payload.installation.id, repositories: repositories.map((r) => r.full_name) },
        "Installed on repositories",
      );
    });
  };
}
