import type { ApplicationFunction } from "probot";
import { enqueueReview, type ReviewQueue } from "./queue/review-queue.js";
import { reviewJobFromComment } from "./webhooks/issue-comment-event.js";
import { reviewJobFromPullRequest, type JobDecision } from "./webhooks/pull-request-event.js";

export interface AppDependencies {
  queue: ReviewQueue;
}

/**
 * The Probot app: handlers only filter, map the payload to job data and enqueue. They make no GitHub
 * or model calls, so GitHub gets its 2xx within milliseconds.
 */
export function createApp({ queue }: AppDependencies): ApplicationFunction {
  return (app) => {
    const enqueue = async (decision: JobDecision, log: typeof app.log) => {
      if ("skip" in decision) {
        log.debug({ reason: decision.skip }, "No review due");
        return;
      }
      const { jobId, duplicate } = await enqueueReview(queue, decision.job);
      log.info({ jobId, duplicate, trigger: decision.job.trigger }, duplicate ? "Review already queued" : "Review queued");
    };

    app.on(
      ["pull_request.opened", "pull_request.reopened", "pull_request.synchronize", "pull_request.ready_for_review"],
      async (context) => {
        await enqueue(reviewJobFromPullRequest(context.payload, context.id), context.log);
      },
    );

    app.on("issue_comment.created", async (context) => {
      await enqueue(reviewJobFromComment(context.payload, context.id), context.log);
    });

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
