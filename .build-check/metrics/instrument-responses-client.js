import { AimlApiError } from "../llm/aimlapi-error.js";
/** The same client, timing every model call and counting the tokens it billed. */
export function instrumentResponsesClient(client, metrics) {
    return {
        async create(request) {
            const stop = metrics.modelLatency.startTimer();
            try {
                const result = await client.create(request);
                stop({ result: "ok" });
                metrics.modelTokens.inc({ direction: "input" }, result.usage.inputTokens);
                metrics.modelTokens.inc({ direction: "output" }, result.usage.outputTokens);
                return result;
            }
            catch (error) {
                stop({ result: error instanceof AimlApiError ? String(error.status ?? error.kind) : "error" });
                throw error;
            }
        },
    };
}
