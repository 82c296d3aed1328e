import { DEFAULT_RETRY_POLICY } from "./model-retry-policy.js";
import { retryModelCall } from "./retry-model-call.js";
export function createThreadResponder(options) {
    const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    return {
        async answer(prompt) {
            const result = await retryModelCall((signal) => options.client.create({
                instructions: prompt.instructions,
                input: prompt.input,
                maxOutputTokens: options.maxOutputTokens,
                reasoningEffort: options.reasoningEffort,
                format: "text",
                signal,
            }), { policy, log: options.log }, { purpose: "thread reply" });
            const text = result.text.trim();
            if (!text)
                throw new Error(`The model returned no answer (${result.incompleteReason ?? result.status})`);
            return { text, usage: result.usage };
        },
    };
}
