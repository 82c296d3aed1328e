import { z } from "zod";
import type { TokenUsage } from "../review/types.js";
import { AimlApiError, isRetryableStatus } from "./aimlapi-error.js";
import { parseRetryAfter } from "./retry-after.js";
import { AimlApiErrorBody, type FunctionCallItem, type ReasoningItem, ResponsesReply } from "./response-schema.js";

export type ReasoningEffort = "low" | "medium" | "high";

/** `json_schema` asks for output matching `schema`; `json_object` for any JSON; `text` for free text. */
export type ResponseFormatKind = "json_schema" | "json_object" | "text";

/** A function the model may call; sent with `strict: true`, so `parameters` must list every property as required. */
export interface FunctionTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object (`additionalProperties: false`, optional ones nullable). */
  parameters: Record<string, unknown>;
}

/**
 * One item of a conversation sent as `input`: our user message, the model's own output items carried
 * back (reasoning with its encrypted content, function calls), and our answer to each call.
 */
export type InputItem =
  | { type: "message"; role: "user"; content: string }
  | FunctionCallItem
  | ReasoningItem
  | { type: "function_call_output"; call_id: string; output: string };

/** The output items a stateless conversation carries into its next request. */
export type CarriedOutputItem = FunctionCallItem | ReasoningItem;

export interface ResponsesRequest {
  /** Our system prompt (sent as `instructions`). */
  instructions: string;
  /** The untrusted material (diff, PR text), sent as the user input; or a whole conversation as items. */
  input: string | InputItem[];
  /** Function tools offered to the model. Default: none (the field is not sent). */
  tools?: FunctionTool[];
  /** `none` makes the model answer without calling a tool. Sent only with `tools`. Default: the API's (`auto`). */
  toolChoice?: "auto" | "none";
  /** Whether one reply may hold several function calls. Sent only with `tools`. */
  parallelToolCalls?: boolean;
  /** Ask for reasoning items with `encrypted_content`, to carry them through a stateless (`store: false`) conversation. */
  includeEncryptedReasoning?: boolean;
  /** Cap on reasoning plus visible tokens; the API requires at least 16. */
  maxOutputTokens: number;
  reasoningEffort: ReasoningEffort;
  format: ResponseFormatKind;
  /** JSON Schema of the reply; required with `format: "json_schema"`, ignored otherwise. */
  schema?: Record<string, unknown>;
  /** Name the API reports the schema under. Default: `"review"`. */
  schemaName?: string;
  /** Continue from an earlier response (which must have been created with `store: true`). */
  previousResponseId?: string;
  /** Whether the API keeps the response for a later `previousResponseId`. Default: not sent (the API stores nothing). */
  store?: boolean;
  /** Cancels the call (worker shutdown); the error then has kind `aborted`. */
  signal?: AbortSignal;
}

export interface ResponsesResult {
  id: string;
  model: string;
  /** `incomplete` means the output was cut short; see `incompleteReason`. */
  status: "completed" | "incomplete";
  /** All `output_text` parts of all message items, in order. */
  text: string;
  /** The model's refusal text, when it declined instead of answering. */
  refusal: string | null;
  usage: TokenUsage;
  /** E.g. `max_output_tokens` or `content_filter`; null when completed. */
  incompleteReason: string | null;
  /** The function calls the model asks for, in order; empty when it answered. */
  functionCalls: FunctionCallItem[];
  /** Reasoning and function_call items in output order, as a stateless conversation sends them back. */
  carriedItems: CarriedOutputItem[];
}

export interface ResponsesClientOptions {
  /** API base including the version, e.g. `https://api.aimlapi.com/v1` (AIMLAPI_BASE_URL). */
  baseUrl: string;
  apiKey: string;
  /** E.g. `openai/gpt-5-1-codex` (CODEX_MODEL). */
  model: string;
  /** Deadline for the whole call, reply body included. Default: 300 000 ms. */
  timeoutMs?: number;
  /** Replaces global `fetch` (tests). */
  fetch?: typeof fetch;
}

export interface ResponsesClient {
  /** One call, no retries: failures throw `AimlApiError`, whose `retryable` drives the caller's policy. */
  create(request: ResponsesRequest): Promise<ResponsesResult>;
}

export const DEFAULT_RESPONSES_TIMEOUT_MS = 300_000;

/** Error messages quote at most this much of a body the API did not shape (an HTML gateway page). */
const MAX_QUOTED_BODY = 300;

export function createResponsesClient(options: ResponsesClientOptions): ResponsesClient {
  if (!options.apiKey) throw new Error("The AI/ML API key is empty: set AIMLAPI_KEY");
  const url = `${options.baseUrl.replace(/\/+$/, "")}/responses`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESPONSES_TIMEOUT_MS;
  const redact = (text: string) => text.split(options.apiKey).join("[redacted]");

  return {
    async create(request) {
      const body = buildRequestBody(options.model, request);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
      let response: Response;
      let text: string;
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
      } catch (error) {
        throw transportError(error, { timedOut: timeout.aborted, timeoutMs, cancelled: request.signal?.aborted === true }, redact);
      }
      if (!response.ok) throw httpError(response, text, redact);
      return readReply(response, text, redact);
    },
  };
}

/** The Responses request body; only fields the AI/ML API documents for this model (no `temperature`). */
export function buildRequestBody(model: string, request: ResponsesRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    instructions: request.instructions,
    input: request.input,
    max_output_tokens: request.maxOutputTokens,
    reasoning: { effort: request.reasoningEffort },
    text: { format: buildFormat(request) },
  };
  if (request.previousResponseId !== undefined) body.previous_response_id = request.previousResponseId;
  if (request.store !== undefined) body.store = request.store;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({ type: "function", name: tool.name, description: tool.description, parameters: tool.parameters, strict: true }));
    if (request.toolChoice !== undefined) body.tool_choice = request.toolChoice;
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.includeEncryptedReasoning) body.include = ["reasoning.encrypted_content"];
  return body;
}

function buildFormat(request: ResponsesRequest): Record<string, unknown> {
  switch (request.format) {
    case "json_schema":
      if (!request.schema) throw new TypeError('format "json_schema" needs a schema');
      return { type: "json_schema", name: request.schemaName ?? "review", schema: request.schema, strict: true };
    case "json_object":
      return { type: "json_object" };
    case "text":
      return { type: "text" };
  }
}

function transportError(
  error: unknown,
  { timedOut, timeoutMs, cancelled }: { timedOut: boolean; timeoutMs: number; cancelled: boolean },
  redact: (text: string) => string,
): AimlApiError {
  const common = { status: null, requestId: null, retryAfterMs: null, cause: error };
  if (timedOut) {
    return new AimlApiError({ ...common, kind: "timeout", apiMessage: `no complete reply within ${timeoutMs} ms`, retryable: true });
  }
  if (cancelled) {
    return new AimlApiError({ ...common, kind: "aborted", apiMessage: "the call was cancelled", retryable: false });
  }
  // undici reports "fetch failed" and hides the reason (ECONNREFUSED, ECONNRESET) in `cause`.
  const reason = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  const apiMessage = redact(typeof code === "string" ? `${reason} (${code})` : reason);
  return new AimlApiError({ ...common, kind: "network", apiMessage, retryable: true });
}

function httpError(response: Response, text: string, redact: (text: string) => string): AimlApiError {
  const parsed = AimlApiErrorBody.safeParse(parseJson(text));
  const body = parsed.success ? parsed.data : undefined;
  const apiMessage =
    (Array.isArray(body?.message) ? body.message.join("; ") : body?.message) ??
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

function readReply(response: Response, text: string, redact: (text: string) => string): ResponsesResult {
  const headerRequestId = response.headers.get("x-request-id");
  const invalid = (apiMessage: string) =>
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
  if (json === undefined) throw invalid(`the reply is not JSON: ${quote(text) || "(empty body)"}`);
  const parsed = ResponsesReply.safeParse(json);
  if (!parsed.success) throw invalid(`the reply is not a Responses object: ${z.prettifyError(parsed.error)}`);
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
      usage: readUsage(reply),
    });
  }
  if (reply.status !== "completed" && reply.status !== "incomplete") {
    // We never ask for background mode, so a queued or in-progress reply is not one we can use.
    throw invalid(`unexpected response status "${reply.status}"`);
  }

  const texts: string[] = [];
  const refusals: string[] = [];
  const functionCalls: FunctionCallItem[] = [];
  const carriedItems: CarriedOutputItem[] = [];
  for (const item of reply.output ?? []) {
    if (item.type === "function_call" && "call_id" in item) {
      const call: FunctionCallItem = { type: "function_call", call_id: item.call_id, name: item.name, arguments: item.arguments, ...(item.id ? { id: item.id } : {}) };
      functionCalls.push(call);
      carriedItems.push(call);
      continue;
    }
    if (item.type === "reasoning" && "summary" in item) {
      // Only the fields the input item documents: the reply's `status` is not part of it.
      carriedItems.push({
        type: "reasoning",
        id: item.id,
        summary: item.summary,
        ...(item.encrypted_content ? { encrypted_content: item.encrypted_content } : {}),
      });
      continue;
    }
    if (!("content" in item)) continue;
    for (const part of item.content) {
      if (part.type === "output_text") texts.push(part.text);
      else refusals.push(part.refusal);
    }
  }
  return {
    id: reply.id,
    model: reply.model,
    status: reply.status,
    text: texts.join(""),
    refusal: refusals.length > 0 ? refusals.join("\n") : null,
    usage: readUsage(reply),
    incompleteReason: reply.status === "incomplete" ? (reply.incomplete_details?.reason ?? "unknown") : null,
    functionCalls,
    carriedItems,
  };
}

function readUsage(reply: ResponsesReply): TokenUsage {
  return {
    inputTokens: reply.usage?.input_tokens ?? 0,
    outputTokens: reply.usage?.output_tokens ?? 0,
    usdSpent: reply.meta?.usage?.usd_spent ?? 0,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_QUOTED_BODY ? `${flat.slice(0, MAX_QUOTED_BODY)}…` : flat;
}
