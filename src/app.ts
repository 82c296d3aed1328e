import type { ApplicationFunction } from "probot";
import type { DeliveryIngest } from "./queue/ingest-delivery.js";
import { jobFromCheckRun } from "./webhooks/check-run-event.js";
import { gateRequest } from "./webhooks/gate-request.js";
import { jobFromComment } from "./webhooks/issue-comment-event.js";
import { jobFromPullRequest, type JobDecision } from "./webhooks/pull-request-event.js";
import { refuseWhenQueueDown } from "./webhooks/refuse-when-queue-down.js";
import { jobFromReviewComment } from "./webhooks/review-comment-event.js";

export interface AppDependencies {
  /**
   * Enqueues in one Redis round trip with the delivery's bookkeeping: replayed delivery ids ignored,
   * one answer per person per repo per hour for requests without visible write access and for help,
   * the PR's older waiting review superseded. (The model budget is charged in the worker.)
   */
  ingest: DeliveryIngest;
  /** The App's slug, for `@<slug>` mentions. */
  appSlug: string;
}

/**
 * The Probot app: handlers only filter, map the payload to job data and enqueue. They make no GitHub
 * or model calls, so GitHub gets its 2xx within milliseconds.
 */
export function createApp({ ingest, appSlug }: AppDependencies): ApplicationFunction {
  return (app) => {
    const enqueue = refuseWhenQueueDown(async (decision: JobDecision, log: typeof app.log, authorAssociation?: string | null) => {
      if ("skip" in decision) {
        log.debug({ reason: decision.skip }, "No job due");
        return;
      }
      const { job } = decision;
      // After the signature check, so only GitHub can mark an id as seen. Redeliver reuses the event's
      // GUID: a replay gets through only when the event's job failed for good (the ingest replaces it).
      const gate = gateRequest(job, authorAssociation);
      const result = await ingest.ingest({ job, limitedPerson: gate.limit === "per-person" ? gate.login : null });
      switch (result.outcome) {
        case "replay":
          log.info({ deliveryId: job.deliveryId }, "Delivery already handled: replay ignored");
          return;
        case "limited":
          // Its first request this hour got (or gets) an answer saying so; this one costs nothing.
          if (gate.limit === "per-person") log.info({ login: gate.login, reason: gate.reason, kind: job.kind }, "Request over its per-person reply limit: ignored");
          return;
        default: {
          const duplicate = result.outcome === "duplicate";
          log.info({ jobId: result.jobId, duplicate, kind: job.kind }, duplicate ? "Job already queued" : "Job queued");
        }
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
