import { AimlApiError } from "../llm/aimlapi-error.js";
import type { ResponsesClient } from "../llm/responses-client.js";
import type { TokenUsage } from "../review/types.js";
import type { AppMetrics } from "./app-metrics.js";

/** The same client, timing every model call and counting what it billed, failed calls included. */
export function instrumentResponsesClient(client: ResponsesClient, metrics: AppMetrics): ResponsesClient {
  const count = (usage: TokenUsage | null) => {
    if (!usage) return;
    metrics.modelTokens.inc({ direction: "input" }, usage.inputTokens);
    metrics.modelTokens.inc({ direction: "output" }, usage.outputTokens);
    metrics.modelUsd.inc(usage.usdSpent);
  };
  return {
    async create(request) {
      const stop = metrics.modelLatency.startTimer();
      try {
        const result = await client.create(request);
        stop({ result: "ok" });
        count(result.usage);
        return result;
      } catch (error) {
        stop({ result: error instanceof AimlApiError ? String(error.status ?? error.kind) : "error" });
        // A reply with `status: "failed"` was billed all the same.
        if (error instanceof AimlApiError) count(error.usage);
        throw error;
      }
    },
  };
}
