import { randomBytes, randomUUID } from "node:crypto";

/** A Responses request body as the fake received it (already validated against the spec). */
export interface FakeResponsesRequest {
  model: string;
  input: unknown;
  instructions?: string | null;
  max_output_tokens?: number;
  reasoning?: { effort?: "low" | "medium" | "high" | null; summary?: string | null } | null;
  text?: { format: { type: "text" | "json_object" | "json_schema"; name?: string; schema?: unknown; strict?: boolean | null } };
  previous_response_id?: string | null;
  store?: boolean | null;
  include?: string[] | null;
  tools?: Array<{ type: string; name?: string; parameters?: unknown; strict?: boolean }>;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  [field: string]: unknown;
}

/** A function call the scripted model makes; `arguments` is sent as the JSON string the API uses. */
export interface FakeFunctionCall {
  name: string;
  arguments: Record<string, unknown> | string;
  /** Default: a fresh `call_…` id. */
  callId?: string;
}

/** What the fake answers: a JSON body (checked against the spec when 200) or, with `raw`, text as is. */
export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Extra delay before this reply, on top of the fake's `latencyMs`. */
  delayMs?: number;
  /** Send `body` (a string) verbatim, unchecked: for malformed replies. */
  raw?: boolean;
}

export interface ReplyOptions {
  /** Echo this request's settings back, as the real API does. */
  request?: FakeResponsesRequest;
  id?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** Default: from the token counts at gpt-5.1-codex list prices. */
  usdSpent?: number;
  delayMs?: number;
}

export const FAKE_MODEL = "openai/gpt-5-1-codex";

/** A completed reply whose single message holds `output` (a string verbatim, anything else as JSON). */
export function completedReply(output: unknown, options: ReplyOptions = {}): FakeReply {
  const text = typeof output === "string" ? output : JSON.stringify(output);
  return buildReply("completed", text, null, options);
}

/**
 * A reply cut short. With an empty `partialText` the output holds only the reasoning item, which is
 * what a reasoning model returns when thinking used up `max_output_tokens`.
 */
export function incompleteReply(
  partialText: string,
  options: ReplyOptions & { reason?: "max_output_tokens" | "content_filter" } = {},
): FakeReply {
  return buildReply("incomplete", partialText, { reason: options.reason ?? "max_output_tokens" }, options);
}

/**
 * A completed reply whose output asks for function calls (after a reasoning item, which carries
 * `encrypted_content` when the request asked for it), as the Responses API returns them.
 */
export function functionCallReply(calls: FakeFunctionCall[], options: ReplyOptions = {}): FakeReply {
  const reply = buildReply("completed", "", null, { ...options, outputTokens: options.outputTokens ?? 64 + 20 * calls.length });
  const body = reply.body as Record<string, unknown> & { output: unknown[] };
  const items = calls.map((call) => ({
    id: `fc_${hex(24)}`,
    type: "function_call",
    status: "completed",
    call_id: call.callId ?? `call_${hex(24)}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  // buildReply put a message after the reasoning item; a tool round has the calls instead.
  return { ...reply, body: { ...body, output: [body.output[0], ...items] } };
}

/** A 200 whose `status` is `failed`, with the model-side `error` the spec describes. */
export function failedReply(code: string, message: string, options: ReplyOptions = {}): FakeReply {
  const reply = buildReply("failed", "", null, options);
  const body = reply.body as Record<string, unknown>;
  return { ...reply, body: { ...body, error: { code, message }, output: [] } };
}

/** An error in the AI/ML API's own shape (not OpenAI's `{error: {...}}`), optionally with Retry-After. */
export function errorReply(
  status: number,
  message: string,
  options: { retryAfter?: number | string; requestId?: string; delayMs?: number } = {},
): FakeReply {
  const headers: Record<string, string> = {};
  if (options.retryAfter !== undefined) headers["retry-after"] = String(options.retryAfter);
  return {
    status,
    headers,
    delayMs: options.delayMs,
    body: {
      message,
      path: "/v1/responses",
      requestId: options.requestId ?? randomUUID(),
      statusCode: status,
      timestamp: new Date().toISOString(),
    },
  };
}

/** A body sent verbatim (an HTML gateway page, truncated JSON, a wrong shape). */
export function rawReply(status: number, body: string, contentType = "application/json"): FakeReply {
  return { status, body, raw: true, headers: { "content-type": contentType } };
}

function buildReply(
  status: "completed" | "incomplete" | "failed",
  text: string,
  incompleteDetails: { reason: string } | null,
  options: ReplyOptions,
): FakeReply {
  const request = options.request;
  const inputTokens = options.inputTokens ?? estimateTokens(request);
  const reasoningTokens = options.reasoningTokens ?? 64;
  const outputTokens = options.outputTokens ?? reasoningTokens + Math.ceil(text.length / 4);
  // gpt-5.1-codex list prices: $1.25 per million input tokens, $10 per million output tokens.
  const usdSpent = options.usdSpent ?? (inputTokens * 1.25 + outputTokens * 10) / 1_000_000;
  const encrypted = request?.include?.includes("reasoning.encrypted_content") ? { encrypted_content: `gAAAA${hex(48)}` } : {};
  const output: unknown[] = [{ id: `rs_${hex(24)}`, type: "reasoning", summary: [], ...encrypted }];
  if (text !== "" || status === "completed") {
    output.push({
      id: `msg_${hex(24)}`,
      type: "message",
      status: status === "completed" ? "completed" : "incomplete",
      role: "assistant",
      content: [{ type: "output_text", annotations: [], logprobs: [], text }],
    });
  }
  return {
    status: 200,
    delayMs: options.delayMs,
    body: {
      id: options.id ?? `resp_${hex(24)}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status,
      background: false,
      error: null,
      incomplete_details: incompleteDetails,
      instructions: request?.instructions ?? null,
      max_output_tokens: request?.max_output_tokens ?? null,
      model: options.model ?? request?.model ?? FAKE_MODEL,
      output,
      parallel_tool_calls: request?.parallel_tool_calls ?? true,
      previous_response_id: request?.previous_response_id ?? null,
      reasoning: { effort: request?.reasoning?.effort ?? "medium" },
      service_tier: "default",
      store: request?.store ?? false,
      temperature: 1,
      text: request?.text ?? { format: { type: "text" } },
      tool_choice: request?.tool_choice ?? "auto",
      tools: [],
      top_p: 1,
      truncation: "disabled",
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: reasoningTokens },
        total_tokens: inputTokens + outputTokens,
      },
      metadata: {},
      // The AI/ML API's own billing block; the credit rate here is arbitrary but consistent.
      meta: { usage: { credits_used: Math.round(usdSpent * 2_000_000), usd_spent: usdSpent } },
    },
  };
}

function estimateTokens(request: FakeResponsesRequest | undefined): number {
  if (!request) return 1_000;
  const characters = JSON.stringify(request.input ?? "").length + (request.instructions?.length ?? 0);
  return Math.max(1, Math.ceil(characters / 4));
}

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString("hex").slice(0, length);
}
