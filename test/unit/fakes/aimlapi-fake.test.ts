import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSpecValidators, formatSchemaErrors } from "../../fakes/aimlapi-spec.js";
import {
  completedReply,
  failedReply,
  incompleteReply,
  startAimlApiFake,
  type AimlApiFake,
  type FakeResponsesRequest,
} from "../../fakes/aimlapi-fake.js";

const VALID: FakeResponsesRequest = {
  model: "openai/gpt-5-1-codex",
  instructions: "Review the diff. Answer in JSON.",
  input: "diff --git a/x b/x",
  max_output_tokens: 2_000,
  reasoning: { effort: "high" },
  text: { format: { type: "json_schema", name: "code_review", schema: { type: "object" }, strict: true } },
};

describe("AI/ML fake replies", () => {
  const { validateReply } = loadSpecValidators();

  it.each([
    ["completed", completedReply({ summary: "ok" })],
    ["completed, echoing a request", completedReply({ summary: "ok" }, { request: VALID })],
    ["completed, empty text", completedReply("")],
    ["incomplete, partial text", incompleteReply('{"summ', { request: VALID })],
    ["incomplete, reasoning only", incompleteReply("")],
    ["failed", failedReply("server_error", "boom")],
  ])("a %s reply matches the spec's 200 schema", (_name, reply) => {
    const errors = validateReply(reply.body);
    expect(errors && formatSchemaErrors(errors)).toBeNull();
  });

  it("the spec's reply schema is not vacuous", () => {
    expect(validateReply({ object: "response" })).not.toBeNull();
    expect(validateReply({ ...(completedReply("x").body as object), status: "done" })).not.toBeNull();
  });
});

describe("startAimlApiFake", () => {
  let fake: AimlApiFake;
  const post = (body: unknown, init: { path?: string; method?: string; key?: string; raw?: string } = {}) =>
    fetch(`${fake.url}${init.path ?? "/responses"}`, {
      method: init.method ?? "POST",
      headers: { authorization: `Bearer ${init.key ?? fake.apiKey}`, "content-type": "application/json" },
      body: init.method === "GET" ? undefined : (init.raw ?? JSON.stringify(body)),
    });

  beforeAll(async () => {
    fake = await startAimlApiFake();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    for (const list of [fake.requests, fake.invalidRequests, fake.invalidReplies, fake.unexpected]) list.length = 0;
    fake.setHandler((call) => completedReply({ summary: "ok" }, { request: call.body }));
  });

  it("answers a valid request from the handler and records it", async () => {
    const response = await post(VALID);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: "response", status: "completed", text: VALID.text });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body).toEqual(VALID);
    expect(fake.invalidRequests).toEqual([]);
  });

  it.each([
    ["missing input", { model: VALID.model }, /input/],
    ["max_output_tokens below 16", { ...VALID, max_output_tokens: 8 }, /max_output_tokens must be >= 16/],
    ["unknown reasoning effort", { ...VALID, reasoning: { effort: "max" } }, /reasoning\/effort/],
    ["another model", { ...VALID, model: "gpt-4o" }, /model/],
    ["json_schema without a name", { ...VALID, text: { format: { type: "json_schema", schema: {} } } }, /text\/format/],
    ["temperature", { ...VALID, temperature: 0.2 }, /Unsupported parameter: 'temperature'/],
    ["json_object without the word JSON", { model: VALID.model, input: "hi", text: { format: { type: "json_object" } } }, /word 'json'/],
  ])("rejects %s with a 400 in the AI/ML shape and records it", async (_name, body, message) => {
    const response = await post(body);

    expect(response.status).toBe(400);
    const error = (await response.json()) as Record<string, unknown>;
    expect(error).toMatchObject({ statusCode: 400, path: "/v1/responses", message: expect.stringMatching(message) });
    expect(error).toHaveProperty("requestId");
    expect(error).toHaveProperty("timestamp");
    expect(fake.invalidRequests).toHaveLength(1);
  });

  it("rejects a body that is not JSON", async () => {
    const response = await post(undefined, { raw: "{not json" });

    expect(response.status).toBe(400);
    expect(fake.invalidRequests).toHaveLength(1);
  });

  it("answers 401 to a wrong key, before looking at the body", async () => {
    const response = await post({}, { key: "wrong" });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401 });
    expect(fake.invalidRequests).toEqual([]);
  });

  it("answers 404 to an unknown route and records it as unexpected", async () => {
    const response = await post(undefined, { path: "/chat/completions", method: "GET" });

    expect(response.status).toBe(404);
    expect(fake.unexpected.map(({ reason }) => reason)).toEqual(["Cannot GET /v1/chat/completions"]);
  });

  it("records a valid call with no handler as unexpected", async () => {
    const bare = await startAimlApiFake();
    try {
      const response = await fetch(`${bare.url}/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${bare.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(VALID),
      });
      expect(response.status).toBe(500);
      expect(bare.unexpected.map(({ reason }) => reason)).toEqual(["no handler set"]);
    } finally {
      await bare.close();
    }
  });

  it("flags a scripted 200 that the spec would not produce", async () => {
    fake.setHandler(() => ({ status: 200, body: { object: "response", id: "resp_1" } }));

    await post(VALID);

    expect(fake.invalidReplies).toHaveLength(1);
  });

  it("waits latencyMs before answering", async () => {
    const slow = await startAimlApiFake({ latencyMs: 150, handler: () => completedReply("{}") });
    try {
      const started = Date.now();
      await fetch(`${slow.url}/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${slow.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(VALID),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.close();
    }
  });
});
