import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** Every metric the app exports; names and labels are listed in the README (Metrics). */
export interface AppMetrics {
  registry: Registry;
  deliveries: Counter<"event" | "action">;
  jobsFinished: Counter<"outcome">;
  reviewDuration: Histogram<"outcome">;
  modelLatency: Histogram<"result">;
  modelTokens: Counter<"direction">;
  modelUsd: Counter;
  commentsPosted: Counter;
  anchorFallbacks: Counter;
  githubRequests: Counter<"method" | "route" | "status">;
  toolCalls: Counter<"tool" | "outcome">;
}

const PREFIX = "codex_review_";

/** Registers the app's metrics (plus Node's process metrics) on `registry`. */
export function createAppMetrics(registry: Registry = new Registry()): AppMetrics {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    deliveries: new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: "Verified webhook deliveries received, by event and action.",
      labelNames: ["event", "action"],
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: `${PREFIX}jobs_finished_total`,
      help: "Jobs this worker finished, by outcome (posted, already-posted, superseded, skipped, refused, ..., failed, retrying).",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    reviewDuration: new Histogram({
      name: `${PREFIX}review_duration_seconds`,
      help: "Wall time of one job attempt in the worker, from start to its outcome.",
      labelNames: ["outcome"],
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800],
      registers: [registry],
    }),
    modelLatency: new Histogram({
      name: `${PREFIX}model_request_duration_seconds`,
      help: "Latency of one AI/ML API Responses call, by result (ok, or the error's HTTP status or kind).",
      labelNames: ["result"],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
    modelTokens: new Counter({
      name: `${PREFIX}model_tokens_total`,
      help: "Tokens the model billed, by direction (input, output); retried, failed and cut-off calls included.",
      labelNames: ["direction"],
      registers: [registry],
    }),
    modelUsd: new Counter({
      name: `${PREFIX}model_usd_spent_total`,
      help: "US dollars the AI/ML API reported spent (meta.usage.usd_spent); retried, failed and cut-off calls included.",
      registers: [registry],
    }),
    commentsPosted: new Counter({
      name: `${PREFIX}review_comments_posted_total`,
      help: "Line comments posted in reviews.",
      registers: [registry],
    }),
    anchorFallbacks: new Counter({
      name: `${PREFIX}anchor_fallbacks_total`,
      help: "Findings that had no line in the diff to sit on and were moved into the review body.",
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: `${PREFIX}github_api_requests_total`,
      help: "GitHub REST calls made by workers, by method, route template and HTTP status (0 = no answer).",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: `${PREFIX}model_tool_calls_total`,
      help: "Repository tool calls the model made in posted reviews (read_file, search_code, list_files), by outcome (ok, missing, refused, invalid_arguments, budget_spent, ...).",
      labelNames: ["tool", "outcome"],
      registers: [registry],
    }),
  };
}

let processMetrics: AppMetrics | undefined;

/**
 * The process's one set of metrics: in `npm start` the web server's /metrics then shows the worker's
 * metrics too, since both halves record into the same registry.
 */
export function getAppMetrics(): AppMetrics {
  processMetrics ??= createAppMetrics();
  return processMetrics;
}
