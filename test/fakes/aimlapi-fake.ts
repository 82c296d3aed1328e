import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatSchemaErrors, loadSpecValidators } from "./aimlapi-spec.js";
import { errorReply, type FakeReply, type FakeResponsesRequest } from "./aimlapi-replies.js";

export {
  completedReply,
  functionCallReply,
  errorReply,
  failedReply,
  incompleteReply,
  rawReply,
  FAKE_MODEL,
  type FakeFunctionCall,
  type FakeReply,
  type FakeResponsesRequest,
  type ReplyOptions,
} from "./aimlapi-replies.js";
import { readBody } from "./read-body.js";

export const FAKE_AIMLAPI_KEY = "test-aimlapi-key";

export interface RecordedAimlRequest {
  method: string;
  /** Path with query, e.g. `/v1/responses`. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
}

/** One valid POST /v1/responses call, as a handler sees it. */
export interface FakeResponsesCall {
  body: FakeResponsesRequest;
  headers: IncomingHttpHeaders;
  /** 0 for the first valid call since the handler was set, 1 for the next (to script "fail once, then succeed"). */
  index: number;
}

export type AimlApiHandler = (call: FakeResponsesCall) => FakeReply | Promise<FakeReply>;

export interface AimlApiFakeOptions {
  /** The key the fake accepts as `Authorization: Bearer <key>`. Default: `FAKE_AIMLAPI_KEY`. */
  apiKey?: string;
  /** Answers valid calls; without one every call answers 500 and is recorded as unexpected. */
  handler?: AimlApiHandler;
  /** Delay before every reply, in ms. Default: 0. */
  latencyMs?: number;
}

export interface AimlApiFake {
  /** Base URL including `/v1`, to use as AIMLAPI_BASE_URL. */
  url: string;
  apiKey: string;
  /** Every request, in arrival order. */
  requests: RecordedAimlRequest[];
  /** Requests the real API would reject (schema, unsupported field); a passing test leaves it empty. */
  invalidRequests: { request: RecordedAimlRequest; reason: string }[];
  /** Scripted 200 replies that do not match the spec's reply schema (a broken test, not a broken client). */
  invalidReplies: { reply: FakeReply; reason: string }[];
  /** Unknown routes, calls with no handler, handler crashes; a passing test leaves it empty. */
  unexpected: { request: RecordedAimlRequest; reason: string }[];
  setHandler(handler: AimlApiHandler): void;
  close(): Promise<void>;
}

/** Starts a local stand-in for the AI/ML API's POST /v1/responses on 127.0.0.1 and a free port. */
export async function startAimlApiFake(options: AimlApiFakeOptions = {}): Promise<AimlApiFake> {
  const spec = loadSpecValidators();
  const apiKey = options.apiKey ?? FAKE_AIMLAPI_KEY;
  const latencyMs = options.latencyMs ?? 0;
  let handler = options.handler;
  let validCalls = 0;
  const timers = new Set<NodeJS.Timeout>();

  const fake: Omit<AimlApiFake, "url" | "close"> = {
    apiKey,
    requests: [],
    invalidRequests: [],
    invalidReplies: [],
    unexpected: [],
    setHandler(next) {
      handler = next;
      validCalls = 0;
    },
  };

  async function answer(request: RecordedAimlRequest): Promise<FakeReply> {
    const pathname = request.path.split("?")[0];
    if (request.method !== "POST" || pathname !== "/v1/responses") {
      const reason = `Cannot ${request.method} ${pathname}`;
      fake.unexpected.push({ request, reason });
      return errorReply(404, reason);
    }
    if (request.headers.authorization?.replace(/^bearer\s+/i, "Bearer ") !== `Bearer ${apiKey}`) {
      return errorReply(401, "Unauthorized: invalid or missing API key");
    }
    const invalid = (reason: string) => {
      fake.invalidRequests.push({ request, reason });
      return errorReply(400, reason);
    };
    if (!request.headers["content-type"]?.startsWith("application/json")) return invalid("Content-Type must be application/json");
    if (request.body === undefined) return invalid("Request body is not valid JSON");
    const errors = spec.validateRequest(request.body);
    if (errors) return invalid(`Invalid request body: ${formatSchemaErrors(errors)}`);
    const body = request.body as FakeResponsesRequest;
    const unsupported = Object.keys(body).find((field) => !spec.requestFields.has(field));
    if (unsupported) return invalid(`Unsupported parameter: '${unsupported}' is not supported with this model.`);
    if (body.text?.format.type === "json_object" && !/json/i.test(`${body.instructions ?? ""}${JSON.stringify(body.input)}`)) {
      // OpenAI's rule, passed through by the AI/ML API: json_object needs the word JSON in the prompt.
      return invalid("Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.");
    }

    const conversationError = checkConversation(body);
    if (conversationError) {
      fake.invalidRequests.push({ request, reason: conversationError.message });
      return errorReply(conversationError.status, conversationError.message);
    }

    if (!handler) {
      fake.unexpected.push({ request, reason: "no handler set" });
      return errorReply(500, "AI/ML fake: no handler set");
    }
    try {
      const reply = await handler({ body, headers: request.headers, index: validCalls++ });
      if (reply.status === 200 && !reply.raw) {
        const replyErrors = spec.validateReply(reply.body);
        if (replyErrors) fake.invalidReplies.push({ reply, reason: formatSchemaErrors(replyErrors) });
      }
      return reply;
    } catch (error) {
      fake.unexpected.push({ request, reason: `handler threw: ${(error as Error).message}` });
      return errorReply(500, "AI/ML fake: handler threw");
    }
  }

  const server = createServer((req, res) => {
    void readBody(req).then(async (rawBody) => {
      const request: RecordedAimlRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        rawBody,
        body: parseJson(rawBody),
      };
      fake.requests.push(request);
      const reply = await answer(request);
      const delay = latencyMs + (reply.delayMs ?? 0);
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, delay);
          timers.add(timer);
        });
      }
      send(res, reply);
    }).catch(() => res.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    ...fake,
    url: `http://127.0.0.1:${port}/v1`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function send(res: ServerResponse, reply: FakeReply): void {
  // The client may have given up (timeout test); writing to its closed socket would throw.
  if (res.destroyed) return;
  const text = reply.raw ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    ...reply.headers,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * What the Responses API refuses in a conversation sent as items: a function call with no output for
 * its call_id, an output for no call, and (with `store: false`, when nothing is kept server-side) a
 * reasoning item carried back without its encrypted content. Messages as OpenAI words them.
 */
function checkConversation(body: FakeResponsesRequest): { status: number; message: string } | null {
  if (!Array.isArray(body.input)) return null;
  const items = body.input as Array<{ type?: string; call_id?: string; id?: string; encrypted_content?: string | null }>;
  const calls = new Set(items.filter((item) => item.type === "function_call").map((item) => item.call_id));
  const outputs = new Set(items.filter((item) => item.type === "function_call_output").map((item) => item.call_id));
  for (const callId of calls) {
    if (!outputs.has(callId)) return { status: 400, message: `No tool output found for function call ${callId}.` };
  }
  for (const callId of outputs) {
    if (!calls.has(callId)) return { status: 400, message: `No tool call found for function call output with call_id ${callId}.` };
  }
  if (body.store !== true) {
    const lost = items.find((item) => item.type === "reasoning" && !item.encrypted_content);
    if (lost) {
      return {
        status: 404,
        message: `Item with id '${lost.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
      };
    }
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
