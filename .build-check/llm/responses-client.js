import { z } from "zod";
import { AimlApiError, isRetryableStatus } from "./aimlapi-error.js";
import { parseRetryAfter } from "./retry-after.js";
import { AimlApiErrorBody, ResponsesReply } from "./response-schema.js";
export const DEFAULT_RESPONSES_TIMEOUT_MS = 300_000;
/** Error messages quote at most this much of a body the API did not shape (an HTML gateway page). */
const MAX_QUOTED_BODY = 300;
export function createResponsesClient(options) {
    if (!options.apiKey)
        throw new Error("The AI/ML API key is empty: set AIMLAPI_KEY");
    const url = `${options.baseUrl.replace(/\/+$/, "")}/responses`;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? DEFAULT_RESPONSES_TIMEOUT_MS;
    const redact = (text) => text.split(options.apiKey).join("[redacted]");
    return {
        async create(request) {
            const body = buildRequestBody(options.model, request);
            const timeout = AbortSignal.timeout(timeoutMs);
            const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
            let response;
            let text;
            try {
                response = await fetchImpl(url, {
                    method: "POST",
                    headers: {
                        authorization: `Bearer ${options.apiKey}`,
                        "content-type": "application/json",
                        accept: "application/json",
                    },
                    body: JSON.stringify(body),
                    signal,
                });
                // Reading the body stays under the same deadline: a reply can stall half-way.
                text = await response.text();
            }
            catch (error) {
                throw transportError(error, { timedOut: timeout.aborted, timeoutMs, cancelled: request.signal?.aborted === true }, redact);
            }
            if (!response.ok)
                throw httpError(response, text, redact);
            return readReply(response, text, redact);
        },
    };
}
/** The Responses request body; only fields the AI/ML API documents for this model (no `temperature`). */
export function buildRequestBody(model, request) {
    const body = {
        model,
        instructions: request.instructions,
        input: request.input,
        max_output_tokens: request.maxOutputTokens,
        reasoning: { effort: request.reasoningEffort },
        text: { format: buildFormat(request) },
    };
    if (request.previousResponseId !== undefined)
        body.previous_response_id = request.previousResponseId;
    if (request.store !== undefined)
        body.store = request.store;
    return body;
}
function buildFormat(request) {
    switch (request.format) {
        case "json_schema":
            if (!request.schema)
                throw new TypeError('format "json_schema" needs a schema');
            return { type: "json_schema", name: request.schemaName ?? "review", schema: request.schema, strict: true };
        case "json_object":
            return { type: "json_object" };
        case "text":
            return { type: "text" };
    }
}
function transportError(error, { timedOut, timeoutMs, cancelled }, redact) {
    const common = { status: null, requestId: null, retryAfterMs: null, cause: error };
    if (timedOut) {
        return new AimlApiError({ ...common, kind: "timeout", apiMessage: `no complete reply within ${timeoutMs} ms`, retryable: true });
    }
    if (cancelled) {
        return new AimlApiError({ ...common, kind: "aborted", apiMessage: "the call was cancelled", retryable: false });
    }
    // undici reports "fetch failed" and hides the reason (ECONNREFUSED, ECONNRESET) in `cause`.
    const reason = error instanceof Error ? error.message : String(error);
    const code = error instanceof Error ? error.cause?.code : undefined;
    const apiMessage = redact(typeof code === "string" ? `${reason} (${code})` : reason);
    return new AimlApiError({ ...common, kind: "network", apiMessage, retryable: true });
}
function httpError(response, text, redact) {
    const parsed = AimlApiErrorBody.safeParse(parseJson(text));
    const body = parsed.success ? parsed.data : undefined;
    const apiMessage = (Array.isArray(body?.message) ? body.message.join("; ") : body?.message) ??
        (typeof body?.error === "object" ? body.error.message : body?.error) ??
        (quote(text) || `HTTP ${response.status} ${response.statusText}`.trim());
    return new AimlApiError({
        kind: "http",
        status: response.status,
        apiMessage: redact(apiMessage),
        requestId: body?.requestId ?? response.headers.get("x-request-id"),
        retryAfterMs: parseRetryAfter(response.headers),
        retryable: isRetryableStatus(response.status),
    });
}
function readReply(response, text, redact) {
    const headerRequestId = response.headers.get("x-request-id");
    const invalid = (apiMessage) => 
    // Not retryable: a body that does not match the documented shape will not match it next time either.
    new AimlApiError({
        kind: "invalid_response",
        status: response.status,
        apiMessage: redact(apiMessage),
        requestId: headerRequestId,
        retryAfterMs: null,
        retryable: false,
    });
    const json = parseJson(text);
    if (json === undefined)
        throw invalid(`the reply is not JSON: ${quote(text) || "(empty body)"}`);
    const parsed = ResponsesReply.safeParse(json);
    if (!parsed.success)
        throw invalid(`the reply is not a Responses object: ${z.prettifyError(parsed.error)}`);
    const reply = parsed.data;
    if (reply.status === "failed") {
        const code = reply.error?.code ?? "unknown";
        throw new AimlApiError({
            kind: "response_failed",
            status: response.status,
            apiMessage: redact(`${code}: ${reply.error?.message ?? "the model failed without a message"}`),
            requestId: headerRequestId ?? reply.id,
            retryAfterMs: null,
            retryable: code === "server_error" || code === "rate_limit_exceeded",
        });
    }
    if (reply.status !== "completed" && reply.status !== "incomplete") {
        // We never ask for background mode, so a queued or in-progress reply is not one we can use.
        throw invalid(`unexpected response status "${reply.status}"`);
    }
    const texts = [];
    const refusals = [];
    for (const item of reply.output ?? []) {
        if (!("content" in item))
            continue;
        for (const part of item.content) {
            if (part.type === "output_text")
                texts.push(part.text);
            else
                refusals.push(part.refusal);
        }
    }
    return {
        id: reply.id,
        model: reply.model,
        status: reply.status,
        text: texts.join(""),
        refusal: refusals.length > 0 ? refusals.join("\n") : null,
        usage: {
            inputTokens: reply.usage?.input_tokens ?? 0,
            outputTokens: reply.usage?.output_tokens ?? 0,
            usdSpent: reply.meta?.usage?.usd_spent ?? 0,
        },
        incompleteReason: reply.status === "incomplete" ? (reply.incomplete_details?.reason ?? "unknown") : null,
    };
}
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function quote(text) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > MAX_QUOTED_BODY ? `${flat.slice(0, MAX_QUOTED_BODY)}…` : flat;
}
