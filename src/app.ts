import type { ApplicationFunction, Context } from "probot";
import type { DeliveryIngest } from "./queue/ingest-delivery.js";
import { jobFromCheckRun, type CheckRunPayload } from "./webhooks/check-run-event.js";
import { gateRequest } from "./webhooks/gate-request.js";
import { jobFromComment, type IssueCommentPayload } from "./webhooks/issue-comment-event.js";
import { jobFromPullRequest, type JobDecision, type PullRequestPayload } from "./webhooks/pull-request-event.js";
import { refuseWhenQueueDown } from "./webhooks/refuse-when-queue-down.js";
import { jobFromReviewComment, type ReviewCommentPayload } from "./webhooks/review-comment-event.js";

export interface AppDependencies {
  /**
   * Enqueues in one Redis round trip with the delivery's bookkeeping: replayed delivery ids ignored,
   * one answer per person per repo per hour for requests without visible write access and for help,
   * the PR's older waiting review superseded. (The model budget is charged in the worker.)
   */
  ingest: DeliveryIngest;
  /** The App's slug, for `@<slug>` mentions. */
  appSlug: string;
  /** Told of every verified delivery (the operations app's delivery counts). */
  countDelivery?: (event: string, action: string) => void;
}

interface InstalledPayload {
  installation?: { id: number } | null;
  repositories?: Array<{ full_name: string }>;
  repositories_added?: Array<{ full_name: string }>;
}

/**
 * The Probot app: handlers only filter, map the payload to job data and enqueue. They make no GitHub
 * or model calls, so GitHub gets its 2xx within milliseconds.
 *
 * ONE handler takes every delivery and routes it: @octokit/webhooks runs Probot's transform (an installation
 * Octokit, a child logger and a Context) once per handler that matches, so a second handler, such as the
 * delivery counter's, would double that work on every delivery.
 */
export function createApp({ ingest, appSlug, countDelivery }: AppDependencies): ApplicationFunction {
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

    const route = async (context: Context, action: string): Promise<void> => {
      const payload: unknown = context.payload;
      switch (`${context.name}.${action}`) {
        case "pull_request.opened":
        case "pull_request.reopened":
        case "pull_request.synchronize":
        case "pull_request.ready_for_review":
          return enqueue(jobFromPullRequest(payload as PullRequestPayload, context.id), context.log);
        case "issue_comment.created": {
          const comment = payload as IssueCommentPayload;
          return enqueue(jobFromComment(comment, context.id, appSlug), context.log, comment.comment?.author_association);
        }
        case "pull_request_review_comment.created": {
          const comment = payload as ReviewCommentPayload;
          return enqueue(jobFromReviewComment(comment, context.id, appSlug), context.log, comment.comment?.author_association);
        }
        case "check_run.rerequested":
          return enqueue(jobFromCheckRun(payload as CheckRunPayload, context.id), context.log);
        case "installation.created":
        case "installation_repositories.added": {
          const installed = payload as InstalledPayload;
          const repositories = installed.repositories_added ?? installed.repositories ?? [];
          // Installing is not a request for reviews: PRs are reviewed when they next change or are asked for.
          context.log.info(
            { installationId: installed.installation?.id, repositories: repositories.map((r) => r.full_name) },
            "Installed on repositories",
          );
          return;
        }
      }
    };

    app.onAny(async (context) => {
      const action = "action" in context.payload && typeof context.payload.action === "string" ? context.payload.action : "";
      countDelivery?.(context.name, action);
      await route(context as Context, action);
    });
  };
}
