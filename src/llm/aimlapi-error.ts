import type { TokenUsage } from "../review/types.js";

/**
 * What went wrong with one Responses call:
 * - `http`: the API answered a non-2xx status;
 * - `timeout`: our deadline passed before a full reply arrived;
 * - `network`: no HTTP answer at all (DNS, refused, reset);
 * - `aborted`: the caller cancelled (worker shutdown);
 * - `invalid_response`: a 2xx whose body is not the documented Responses object;
 * - `response_failed`: a well-formed reply with `status: "failed"` and the model's `error`.
 */
export type AimlApiErrorKind =
  | "http"
  | "timeout"
  | "network"
  | "aborted"
  | "invalid_response"
  | "response_failed";

export interface AimlApiErrorDetails {
  kind: AimlApiErrorKind;
  /** HTTP status, or null when no HTTP answer was received. */
  status: number | null;
  /** The API's own `message` (or our description when the API gave none). Never contains the key. */
  apiMessage: string;
  /** The AI/ML API's `requestId`, to quote to their support. */
  requestId: string | null;
  /** From `Retry-After`, when the API sent one. */
  retryAfterMs: number | null;
  /** Whether the same request may succeed later; the caller's retry policy reads only this. */
  retryable: boolean;
  /** What the failed call was billed, when the reply said (a `status: "failed"` reply does). */
  usage?: TokenUsage | null;
  cause?: unknown;
}

/** The one error type the Responses client throws; its fields carry everything the retry policy needs. */
export class AimlApiError extends Error {
  override readonly name = "AimlApiError";
  readonly kind: AimlApiErrorKind;
  readonly status: number | null;
  readonly apiMessage: string;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  readonly retryable: boolean;
  readonly usage: TokenUsage | null;

  constructor(details: AimlApiErrorDetails) {
    super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable;
    this.usage = details.usage ?? null;
  }
}

function describe({ kind, status, apiMessage, requestId }: AimlApiErrorDetails): string {
  const where = status === null ? `AI/ML API ${kind}` : `AI/ML API answered ${status}`;
  const hint = status === null ? undefined : STATUS_HINTS[status];
  const suffix = requestId ? ` (requestId ${requestId})` : "";
  return `${where}: ${apiMessage}${hint ? ` — ${hint}` : ""}${suffix}`;
}

/** What the operator should do about the statuses that are their business rather than ours. */
const STATUS_HINTS: Record<number, string> = {
  401: "check AIMLAPI_KEY",
  403: "the AI/ML API account is out of credits or lacks access to the model",
  404: "check AIMLAPI_BASE_URL and CODEX_MODEL",
};

/**
 * Rate limits, request timeouts, conflicts and server-side failures pass (the set OpenAI's own SDK
 * retries); request errors (400, 401, 403, 404, 422) repeat forever. 501 means the endpoint does not
 * exist on that server, which no retry fixes.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501);
}

const MENTIONS_STRUCTURED_OUTPUT = /json_schema|json_object|text\.format|response_format|structured output/i;

/**
 * True when the API rejected the request because of its structured-output format (json_schema, or
 * text.format in general), so the caller can retry once with `json_object` and then with plain text.
 * Any other 400 (say, an unsupported parameter) is a bug of ours and must not trigger a fallback.
 */
export function isStructuredOutputRefusal(error: unknown): boolean {
  return (
    error instanceof AimlApiError &&
    error.kind === "http" &&
    error.status === 400 &&
    MENTIONS_STRUCTURED_OUTPUT.test(error.apiMessage)
  );
}

const NAMES_TOOLS = /\b(tools?|tool_choice|parallel_tool_calls|function(?:[ _]call(?:ing|s)?)?|functions)\b/i;
const SAYS_UNSUPPORTED = /not supported|unsupported|does not support|doesn't support|not allowed|not available|cannot be used/i;

/**
 * True when the API rejected the request because the endpoint (or model behind it) does not take
 * tools: a 400 whose message names tools, tool_choice or function calling and says it is unsupported.
 * A 400 about a malformed conversation ("No tool output found for function call …") is a bug of ours
 * and does not match: it says nothing is unsupported.
 */
export function isToolsRefusal(error: unknown): boolean {
  return (
    error instanceof AimlApiError &&
    error.kind === "http" &&
    error.status === 400 &&
    NAMES_TOOLS.test(error.apiMessage) &&
    SAYS_UNSUPPORTED.test(error.apiMessage)
  );
}
