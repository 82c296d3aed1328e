import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AimlApiError, isStructuredOutputRefusal, isToolsRefusal } from "../../../src/llm/aimlapi-error.js";
import { createResponsesClient, type ResponsesRequest } from "../../../src/llm/responses-client.js";
import { parseRetryAfter } from "../../../src/llm/retry-after.js";
import {
  completedReply,
  errorReply,
  failedReply,
  functionCallReply,
  incompleteReply,
  rawReply,
  startAimlApiFake,
  type AimlApiFake,
} from "../../fakes/aimlapi-fake.js";

const SCHEMA = {
  type: "object",
  properties: { summary: { type: "string" }, findings: { type: "array", items: { type: "object" } } },
  required: ["summary", "findings"],
  additionalProperties: false,
};

const REQUEST: ResponsesRequest = {
  instructions: "You review code. Answer in JSON.",
  input: "diff --git a/x b/x",
  maxOutputTokens: 4_000,
  reasoningEffort: "medium",
  format: "json_schema",
  schema: SCHEMA,
  schemaName: "code_review",
};

let fake: AimlApiFake;

beforeAll(async () => {
  fake = await startAimlApiFake();
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  // Every request the client sent must be one the real API accepts, and every scripted reply real.
  const problems = [...fake.invalidRequests, ...fake.invalidReplies, ...fake.unexpected].map(({ reason }) => reason);
  for (const list of [fake.requests, fake.invalidRequests, fake.invalidReplies, fake.unexpected]) list.length = 0;
  expect(problems).toEqual([]);
});

function client(overrides: Partial<Parameters<typeof createResponsesClient>[0]> = {}) {
  return createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<AimlApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AimlApiError);
  return error as AimlApiError;
}

describe("createResponsesClient", () => {
  it("sends a spec-valid json_schema request and reads text, usage and cost", async () => {
    fake.setHandler((call) =>
      completedReply({ summary: "ok", findings: [] }, { request: call.body, inputTokens: 1200, outputTokens: 300, usdSpent: 0.0045 }),
    );

    const result = await client().create(REQUEST);

    expect(result).toMatchObject({
      status: "completed",
      text: '{"summary":"ok","findings":[]}',
      refusal: null,
      usage: { inputTokens: 1200, outputTokens: 300, usdSpent: 0.0045 },
      incompleteReason: null,
      model: "openai/gpt-5-1-codex",
    });
    expect(result.id).toMatch(/^resp_/);
    const [sent] = fake.requests;
    expect(sent?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(sent?.body).toEqual({
      model: "openai/gpt-5-1-codex",
      instructions: REQUEST.instructions,
      input: REQUEST.input,
      max_output_tokens: 4_000,
      reasoning: { effort: "medium" },
      text: { format: { type: "json_schema", name: "code_review", schema: SCHEMA, strict: true } },
    });
  });

  it.each(["json_object", "text"] as const)("sends a spec-valid %s request", async (format) => {
    fake.setHandler((call) => completedReply("{}", { request: call.body }));

    await client().create({ ...REQUEST, format, schema: undefined });

    expect(fake.requests[0]?.body).toMatchObject({ text: { format: { type: format } } });
  });

  it("sends previous_response_id and store when asked", async () => {
    fake.setHandler((call) => completedReply("{}", { request: call.body }));

    await client().create({ ...REQUEST, previousResponseId: "resp_abc", store: true });

    expect(fake.requests[0]?.body).toMatchObject({ previous_response_id: "resp_abc", store: true });
  });

  it("sends a conversation as items with strict function tools, and reads the calls and the encrypted reasoning to carry back", async () => {
    fake.setHandler((call) => functionCallReply([{ name: "read_file", arguments: { path: "a.ts" }, callId: "call_1" }], { request: call.body }));
    const tools = [{ name: "read_file", description: "Read a file.", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"], additionalProperties: false } }];
    const first = await client().create({ ...REQUEST, input: [{ type: "message", role: "user", content: "diff" }], tools, toolChoice: "auto", parallelToolCalls: true, includeEncryptedReasoning: true, store: false });

    expect(fake.requests[0]?.body).toMatchObject({
      input: [{ type: "message", role: "user", content: "diff" }],
      tools: [{ type: "function", name: "read_file", strict: true }],
      tool_choice: "auto",
      parallel_tool_calls: true,
      include: ["reasoning.encrypted_content"],
      store: false,
    });
    expect(first.functionCalls).toEqual([expect.objectContaining({ type: "function_call", call_id: "call_1", name: "read_file", arguments: '{"path":"a.ts"}' })]);
    expect(first.carriedItems.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    expect(first.carriedItems[0]).toMatchObject({ encrypted_content: expect.stringMatching(/^gAAAA/) });
    expect(first.text).toBe("");

    // The carried items and an output per call make a follow-up the spec (and the fake's conversation rules) accept.
    fake.setHandler((call) => completedReply("{}", { request: call.body }));
    const input = [{ type: "message" as const, role: "user" as const, content: "diff" }, ...first.carriedItems, { type: "function_call_output" as const, call_id: "call_1", output: "1: x" }];
    await expect(client().create({ ...REQUEST, input, tools, toolChoice: "none", includeEncryptedReasoning: true, store: false })).resolves.toMatchObject({ text: "{}", functionCalls: [] });
  });

  it("rejects a reply whose function_call item lacks its call_id", async () => {
    const reply = functionCallReply([{ name: "read_file", arguments: "{}" }]);
    delete ((reply.body as { output: Array<Record<string, unknown>> }).output[1] as Record<string, unknown>).call_id;
    fake.setHandler(() => reply);
    expect((await failure(client().create(REQUEST))).kind).toBe("invalid_response");
    fake.invalidReplies.length = 0;
  });

  it("joins output_text parts across message items and reports refusals", async () => {
    const reply = completedReply("first ");
    const body = reply.body as { output: unknown[] };
    body.output.push({
      id: "msg_2",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [
        { type: "output_text", annotations: [], text: "second" },
        { type: "refusal", refusal: "I cannot help with that." },
      ],
    });
    fake.setHandler(() => reply);

    const result = await client().create(REQUEST);

    expect(result.text).toBe("first second");
    expect(result.refusal).toBe("I cannot help with that.");
  });

  it("returns an incomplete reply with its reason", async () => {
    fake.setHandler((call) => incompleteReply("", { request: call.body }));

    const result = await client().create(REQUEST);

    expect(result).toMatchObject({ status: "incomplete", text: "", incompleteReason: "max_output_tokens" });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it.each([
    [400, "Unsupported parameter: 'foo'", false],
    [401, "Unauthorized", false],
    [403, "Insufficient credits. Top up your balance.", false],
    [404, "Model not found", false],
    [429, "Too many requests", true],
    [500, "Internal server error", true],
    [502, "Bad gateway", true],
    [503, "Service unavailable", true],
    [504, "Gateway timeout", true],
  ])("surfaces a %i with the API's message, requestId and retryable=%s", async (status, message, retryable) => {
    fake.setHandler(() => errorReply(status, message, { requestId: "req-123" }));

    const error = await failure(client().create(REQUEST));

    expect(error).toMatchObject({ kind: "http", status, apiMessage: message, requestId: "req-123", retryable, retryAfterMs: null });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(fake.apiKey);
  });

  it("reads Retry-After in seconds", async () => {
    fake.setHandler(() => errorReply(429, "Rate limit exceeded", { retryAfter: 7 }));

    const error = await failure(client().create(REQUEST));

    expect(error.retryAfterMs).toBe(7_000);
  });

  it("reads Retry-After as an HTTP date", async () => {
    const later = new Date(Date.now() + 30_000).toUTCString();
    fake.setHandler(() => errorReply(503, "Overloaded", { retryAfter: later }));

    const error = await failure(client().create(REQUEST));

    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("answers 401 from the fake for a wrong key without echoing the key", async () => {
    const error = await failure(client({ apiKey: "sk-wrong-key" }).create(REQUEST));

    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).not.toContain("sk-wrong-key");
    expect(error.message).toContain("AIMLAPI_KEY");
  });

  it("redacts the key if the API quotes it back", async () => {
    fake.setHandler(() => errorReply(401, `Key ${fake.apiKey} is revoked`));

    const error = await failure(client().create(REQUEST));

    expect(error.apiMessage).toBe("Key [redacted] is revoked");
  });

  it("joins a NestJS-style message list", async () => {
    fake.setHandler(() => ({ status: 400, body: { message: ["input must be a string", "model is required"], statusCode: 400 } }));

    const error = await failure(client().create(REQUEST));

    expect(error.apiMessage).toBe("input must be a string; model is required");
  });

  it("quotes a non-JSON error page and keeps a 502 retryable", async () => {
    fake.setHandler(() => rawReply(502, "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>", "text/html"));

    const error = await failure(client().create(REQUEST));

    expect(error).toMatchObject({ status: 502, retryable: true, apiMessage: "<html><body> <h1>502 Bad Gateway</h1> </body></html>" });
  });

  it.each([
    ["not JSON", "<html>ok</html>"],
    ["truncated JSON", '{"object":"response","id":"resp_1"'],
    ["missing id", JSON.stringify({ object: "response", model: "m", status: "completed", output: [] })],
    ["OpenAI chat shape", JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", choices: [] })],
    [
      "malformed message item",
      JSON.stringify({ object: "response", id: "resp_1", model: "m", status: "completed", output: [{ type: "message", role: "assistant", content: "text" }] }),
    ],
  ])("turns a malformed 200 body (%s) into an invalid_response error", async (_name, body) => {
    fake.setHandler(() => rawReply(200, body));

    const error = await failure(client().create(REQUEST));

    expect(error).toMatchObject({ kind: "invalid_response", status: 200, retryable: false });
  });

  it("throws response_failed for a reply with status failed, with what the call was billed", async () => {
    fake.setHandler(() => failedReply("server_error", "The model crashed", { inputTokens: 300, outputTokens: 12, usdSpent: 0.0005 }));

    const error = await failure(client().create(REQUEST));

    expect(error).toMatchObject({ kind: "response_failed", retryable: true });
    expect(error.apiMessage).toBe("server_error: The model crashed");
    expect(error.usage).toEqual({ inputTokens: 300, outputTokens: 12, usdSpent: 0.0005 });
  });

  it("times out a slow reply as a retryable error, and the fake keeps serving", async () => {
    fake.setHandler((call) => completedReply("{}", { request: call.body, delayMs: call.index === 0 ? 2_000 : 0 }));

    const error = await failure(client({ timeoutMs: 100 }).create(REQUEST));
    expect(error).toMatchObject({ kind: "timeout", status: null, retryable: true });

    await expect(client().create(REQUEST)).resolves.toMatchObject({ status: "completed" });
  });

  it("reports a cancelled call as aborted, not retryable", async () => {
    fake.setHandler((call) => completedReply("{}", { request: call.body, delayMs: 2_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await failure(client().create({ ...REQUEST, signal: controller.signal }));

    expect(error).toMatchObject({ kind: "aborted", retryable: false });
  });

  it("reports an unreachable server as a retryable network error", async () => {
    const closed = await startAimlApiFake();
    const url = closed.url;
    await closed.close();

    const error = await failure(createResponsesClient({ baseUrl: url, apiKey: "k", model: "m" }).create(REQUEST));

    expect(error).toMatchObject({ kind: "network", status: null, retryable: true });
    expect(error.apiMessage).toContain("ECONNREFUSED");
  });

  it("refuses to start without a key or to send json_schema without a schema", async () => {
    expect(() => createResponsesClient({ baseUrl: fake.url, apiKey: "", model: "m" })).toThrow(/AIMLAPI_KEY/);
    await expect(client().create({ ...REQUEST, schema: undefined })).rejects.toThrow(/needs a schema/);
    expect(fake.requests).toEqual([]);
  });
});

describe("isStructuredOutputRefusal", () => {
  const httpError = (status: number, apiMessage: string) =>
    new AimlApiError({ kind: "http", status, apiMessage, requestId: null, retryAfterMs: null, retryable: false });

  it.each([
    [httpError(400, "Invalid parameter: 'text.format' of type 'json_schema' is not supported with this model."), true],
    [httpError(400, "Unsupported parameter: 'text.format'"), true],
    [httpError(400, "response_format json_schema is not supported"), true],
    [httpError(400, "Unsupported parameter: 'temperature' is not supported with this model."), false],
    [httpError(500, "json_schema backend crashed"), false],
    [new Error("Invalid parameter: 'text.format' of type 'json_schema'"), false],
    [undefined, false],
  ])("%s -> %s", (error, expected) => {
    expect(isStructuredOutputRefusal(error)).toBe(expected);
  });

  it("recognises the fake's own refusal reply end to end", async () => {
    fake.setHandler((call) =>
      call.body.text?.format.type === "json_schema"
        ? errorReply(400, "Invalid parameter: 'text.format' of type 'json_schema' is not supported with this model.")
        : completedReply("{}", { request: call.body }),
    );

    const error = await failure(client().create(REQUEST));
    expect(isStructuredOutputRefusal(error)).toBe(true);
    await expect(client().create({ ...REQUEST, format: "json_object" })).resolves.toMatchObject({ text: "{}" });
  });
});

describe("isToolsRefusal", () => {
  const httpError = (status: number, apiMessage: string) =>
    new AimlApiError({ kind: "http", status, apiMessage, requestId: null, retryAfterMs: null, retryable: false });

  it.each([
    [httpError(400, "Unsupported parameter: 'tools' is not supported with this model."), true],
    [httpError(400, "Function calling is not supported for this model"), true],
    [httpError(400, "tool_choice is not allowed"), true],
    [httpError(400, "No tool output found for function call call_1."), false],
    [httpError(400, "Unsupported parameter: 'temperature' is not supported with this model."), false],
    [httpError(500, "tools are not supported"), false],
  ])("%s -> %s", (error, expected) => {
    expect(isToolsRefusal(error)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    [{ "retry-after": "12" }, 12_000],
    [{ "retry-after": "1.5" }, 1_500],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:20 GMT" }, 20_000],
    [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "soon" }, null],
    [{}, null],
  ])("%j -> %s", (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(expected);
  });
});
