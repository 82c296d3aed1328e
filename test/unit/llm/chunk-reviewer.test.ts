import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AimlApiError } from "../../../src/llm/aimlapi-error.js";
import { createChunkReviewer, ModelBudgetExceededError } from "../../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import { startAimlApiFake, type AimlApiFake, type AimlApiHandler } from "../../fakes/aimlapi-fake.js";
import { completedReply, errorReply, incompleteReply, rawReply } from "../../fakes/aimlapi-replies.js";

const OUTPUT = {
  summary: "One problem.",
  comments: [{ path: "a.ts", line: 3, side: "RIGHT", start_line: null, severity: "P1", title: "Off by one", body: "Use <=.", suggestion: null, quote: "i < n" }],
};
const PROMPT = { instructions: "Review. Answer in json.", input: "<untrusted_diff>FILE: a.ts\nR3 +for (i = 0; i < n; i++)</untrusted_diff>" };

let fake: AimlApiFake;
const waits: number[] = [];

beforeAll(async () => {
  fake = await startAimlApiFake();
});
afterAll(async () => fake.close());
afterEach(() => {
  expect(fake.invalidRequests).toEqual([]);
  waits.length = 0;
});

function reviewer(handler: AimlApiHandler, retry: Record<string, number> = {}) {
  fake.setHandler(handler);
  const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 2_000 });
  return createChunkReviewer({
    client,
    maxOutputTokens: 4_000,
    reasoningEffort: "medium",
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000, ...retry },
    wait: async (ms) => waits.push(ms),
  });
}

describe("createChunkReviewer", () => {
  it("returns the findings and the usage of a structured reply", async () => {
    const result = await reviewer(() => completedReply(OUTPUT, { inputTokens: 900, outputTokens: 120, usdSpent: 0.003 })).reviewChunk(PROMPT, { chunkIndex: 0 });
    expect(result.review.findings).toMatchObject([{ path: "a.ts", line: 3, severity: "P1", title: "Off by one" }]);
    expect(result.usage).toEqual({ inputTokens: 900, outputTokens: 120, usdSpent: 0.003 });
  });

  it.each([
    ["429 with Retry-After", errorReply(429, "Too many requests", { retryAfter: 2 }), 2_000],
    ["503", errorReply(503, "Service unavailable"), null],
    ["truncated JSON body", rawReply(200, '{"id":"resp_1","object":"resp'), null],
    ["output that is not the review JSON", completedReply("I think the code is fine."), null],
    ["an incomplete reply", incompleteReply(""), null],
  ])("retries after %s and succeeds", async (_name, failure, expectedWait) => {
    const result = await reviewer(({ index }) => (index === 0 ? failure : completedReply(OUTPUT))).reviewChunk(PROMPT, { chunkIndex: 0 });
    expect(result.review.findings).toHaveLength(1);
    expect(waits).toHaveLength(1);
    if (expectedWait !== null) expect(waits[0]).toBe(expectedWait);
  });

  it("backs off exponentially with jitter and gives up after maxAttempts", async () => {
    const error = await reviewer(() => errorReply(500, "Internal error")).reviewChunk(PROMPT, { chunkIndex: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AimlApiError);
    expect((error as AimlApiError).apiMessage).toBe("Internal error");
    expect(waits).toHaveLength(3);
    waits.forEach((ms, attempt) => {
      const ceiling = 100 * 2 ** attempt;
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    });
  });

  it("fails fast on a bad key, with the API's own message, and calls it fatal", async () => {
    const chunkReviewer = reviewer(() => errorReply(401, "Invalid API key provided"));
    const error = await chunkReviewer.reviewChunk(PROMPT, { chunkIndex: 0 }).catch((e: unknown) => e);
    expect(waits).toHaveLength(0);
    expect(chunkReviewer.isFatal(error)).toBe(true);
    expect(String(error)).toContain("Invalid API key provided");
    expect(String(error)).not.toContain(fake.apiKey);
  });

  it("falls back from json_schema to json_object to text when the endpoint refuses the format", async () => {
    const formats: string[] = [];
    const chunkReviewer = reviewer(({ body }) => {
      const type = body.text?.format.type ?? "none";
      formats.push(type);
      if (type !== "text") return errorReply(400, `text.format type '${type}' is not supported for this model`);
      return completedReply(`Here you go:\n\`\`\`json\n${JSON.stringify(OUTPUT)}\n\`\`\``);
    });
    const first = await chunkReviewer.reviewChunk(PROMPT, { chunkIndex: 0 });
    expect(first.review.findings).toHaveLength(1);
    await chunkReviewer.reviewChunk(PROMPT, { chunkIndex: 1 });
    // The second chunk starts where the first ended up: no more refused calls.
    expect(formats).toEqual(["json_schema", "json_object", "text", "text"]);
    expect(waits).toHaveLength(0);
  });

  it("stops when the time budget is spent, however many attempts are left", async () => {
    const error = await reviewer(() => errorReply(429, "slow down", { retryAfter: 3 }), { budgetMs: 2_500, maxAttempts: 10 })
      .reviewChunk(PROMPT, { chunkIndex: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBudgetExceededError);
  });

  it("uses the per-repository reasoning effort when given", async () => {
    let effort: unknown;
    await reviewer(({ body }) => {
      effort = body.reasoning?.effort;
      return completedReply(OUTPUT);
    }).reviewChunk(PROMPT, { chunkIndex: 0, reasoningEffort: "high" });
    expect(effort).toBe("high");
  });
});
