import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AimlApiError } from "../../../src/llm/aimlapi-error.js";
import {
  createChunkReviewer,
  ModelBudgetExceededError,
  type ChunkReviewContext,
  type ChunkReviewerOptions,
} from "../../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import { startAimlApiFake, type AimlApiFake, type AimlApiHandler } from "../../fakes/aimlapi-fake.js";
import { completedReply, errorReply, failedReply, incompleteReply, rawReply } from "../../fakes/aimlapi-replies.js";
import { TruncatedOutputError } from "../../../src/llm/chunk-reviewer.js";

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

function reviewer(handler: AimlApiHandler, retry: Record<string, number> = {}, extra: Partial<ChunkReviewerOptions> = {}) {
  fake.setHandler(handler);
  const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 2_000 });
  return createChunkReviewer({
    client,
    maxOutputTokens: 4_000,
    reasoningEffort: "medium",
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000, ...retry },
    wait: async (ms) => waits.push(ms),
    ...extra,
  });
}

const context = (chunkIndex = 0, more: Partial<ChunkReviewContext> = {}): ChunkReviewContext => ({ chunkIndex, usage: { inputTokens: 0, outputTokens: 0, usdSpent: 0 }, ...more });

describe("createChunkReviewer", () => {
  it("returns the findings and the usage of a structured reply", async () => {
    const ctx = context();
    const review = await reviewer(() => completedReply(OUTPUT, { inputTokens: 900, outputTokens: 120, usdSpent: 0.003 })).reviewChunk(PROMPT, ctx);
    expect(review.findings).toMatchObject([{ path: "a.ts", line: 3, severity: "P1", title: "Off by one" }]);
    expect(ctx.usage).toEqual({ inputTokens: 900, outputTokens: 120, usdSpent: 0.003 });
  });

  it.each([
    ["429 with Retry-After", errorReply(429, "Too many requests", { retryAfter: 2 }), 2_000],
    ["503", errorReply(503, "Service unavailable"), null],
    ["truncated JSON body", rawReply(200, '{"id":"resp_1","object":"resp'), null],
    ["output that is not the review JSON", completedReply("I think the code is fine."), null],
    ["a reply cut by the content filter", incompleteReply("", { reason: "content_filter" }), null],
  ])("retries after %s and succeeds", async (_name, failure, expectedWait) => {
    const review = await reviewer(({ index }) => (index === 0 ? failure : completedReply(OUTPUT))).reviewChunk(PROMPT, context());
    expect(review.findings).toHaveLength(1);
    expect(waits).toHaveLength(1);
    if (expectedWait !== null) expect(waits[0]).toBe(expectedWait);
  });

  it("backs off exponentially with jitter and gives up after maxAttempts", async () => {
    const error = await reviewer(() => errorReply(500, "Internal error")).reviewChunk(PROMPT, context()).catch((e: unknown) => e);
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
    const error = await chunkReviewer.reviewChunk(PROMPT, context()).catch((e: unknown) => e);
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
    const first = await chunkReviewer.reviewChunk(PROMPT, context());
    expect(first.findings).toHaveLength(1);
    await chunkReviewer.reviewChunk(PROMPT, context(1));
    // The second chunk starts where the first ended up: no more refused calls.
    expect(formats).toEqual(["json_schema", "json_object", "text", "text"]);
    expect(waits).toHaveLength(0);
  });

  it("stops when the time budget is spent, however many attempts are left", async () => {
    const error = await reviewer(() => errorReply(429, "slow down", { retryAfter: 3 }), { budgetMs: 2_500, maxAttempts: 10 })
      .reviewChunk(PROMPT, context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBudgetExceededError);
  });

  it("uses the per-repository reasoning effort when given", async () => {
    let effort: unknown;
    await reviewer(({ body }) => {
      effort = body.reasoning?.effort;
      return completedReply(OUTPUT);
    }).reviewChunk(PROMPT, context(0, { reasoningEffort: "high" }));
    expect(effort).toBe("high");
  });

  describe("output cut off at max_output_tokens", () => {
    it("is never sent again unchanged: the cap is doubled once, up to the ceiling", async () => {
      const caps: unknown[] = [];
      const start = fake.requests.length;
      const ctx = context();
      const review = await reviewer(
        ({ body, index }) => {
          caps.push(body.max_output_tokens);
          return index === 0 ? incompleteReply("", { request: body, inputTokens: 800, outputTokens: 4_000, usdSpent: 0.041 }) : completedReply(OUTPUT, { request: body, inputTokens: 800, outputTokens: 5_000, usdSpent: 0.051 });
        },
        {},
        { outputTokensCeiling: 10_000 },
      ).reviewChunk(PROMPT, ctx);
      expect(review.findings).toHaveLength(1);
      expect(caps).toEqual([4_000, 8_000]);
      expect(waits).toHaveLength(0);
      // The cut-off call was billed too.
      expect(ctx.usage).toMatchObject({ inputTokens: 1_600, outputTokens: 9_000 });
      expect(ctx.usage.usdSpent).toBeCloseTo(0.092, 10);
      expect(new Set(fake.requests.slice(start).map((request) => request.rawBody)).size).toBe(2);
    });

    it("gives up with TruncatedOutputError after the raised call, having sent no call twice", async () => {
      const caps: unknown[] = [];
      const start = fake.requests.length;
      const ctx = context();
      const error = await reviewer(
        ({ body }) => {
          caps.push(body.max_output_tokens);
          return incompleteReply('{"summary": "The change spl', { request: body, usdSpent: 0.02 });
        },
        {},
        { outputTokensCeiling: 6_000 },
      )
        .reviewChunk(PROMPT, ctx)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TruncatedOutputError);
      expect((error as TruncatedOutputError).maxOutputTokens).toBe(6_000);
      expect(caps).toEqual([4_000, 6_000]);
      expect(ctx.usage.usdSpent).toBeCloseTo(0.04, 10);
      const sent = fake.requests.slice(start).map((request) => request.rawBody);
      expect(new Set(sent).size).toBe(sent.length);
    });

    it("does not raise past the ceiling, nor at all when the ceiling is the cap", async () => {
      const caps: unknown[] = [];
      const error = await reviewer(({ body }) => {
        caps.push(body.max_output_tokens);
        return incompleteReply("", { request: body });
      })
        .reviewChunk(PROMPT, context())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TruncatedOutputError);
      expect(caps).toEqual([4_000]);
    });

    it("starts a half of a cut-off chunk at the cap the whole reached", async () => {
      const caps: unknown[] = [];
      await reviewer(
        ({ body }) => {
          caps.push(body.max_output_tokens);
          return completedReply(OUTPUT, { request: body });
        },
        {},
        { outputTokensCeiling: 8_000 },
      ).reviewChunk(PROMPT, context(0, { maxOutputTokens: 8_000 }));
      expect(caps).toEqual([8_000]);
    });
  });

  it("counts the usage of failed calls, even when the chunk fails", async () => {
    const ctx = context();
    const error = await reviewer(({ index, body }) =>
      index === 0
        ? completedReply("Sure, the code looks fine.", { request: body, inputTokens: 500, outputTokens: 30, usdSpent: 0.001 })
        : failedReply("server_error", "The model crashed", { request: body, inputTokens: 500, outputTokens: 10, usdSpent: 0.0007 }),
    )
      .reviewChunk(PROMPT, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AimlApiError);
    // One unusable reply, then three failed ones (server_error is retried): all four were billed.
    expect(ctx.usage).toMatchObject({ inputTokens: 2_000, outputTokens: 60 });
    expect(ctx.usage.usdSpent).toBeCloseTo(0.0031, 10);
  });

  describe("the format fallback shared by concurrent chunks", () => {
    const refuseUntil = (formats: string[], accepted: string) => ({ body }: { body: { text?: { format: { type: string } } } }) => {
      const type = body.text?.format.type ?? "none";
      formats.push(type);
      // Refusals arrive late, so every chunk has sent its call before any refusal is seen.
      if (type !== accepted) return { ...errorReply(400, `text.format type '${type}' is not supported for this model`), delayMs: 100 };
      return completedReply(type === "text" ? JSON.stringify(OUTPUT) : OUTPUT);
    };

    it("downgrades once for refusals of the same format, however many chunks saw them", async () => {
      const formats: string[] = [];
      const chunkReviewer = reviewer(refuseUntil(formats, "json_object"));
      await Promise.all([0, 1, 2].map((index) => chunkReviewer.reviewChunk(PROMPT, context(index))));
      expect(formats.filter((format) => format === "json_schema")).toHaveLength(3);
      expect(formats.filter((format) => format === "json_object")).toHaveLength(3);
      // A later chunk starts at json_object: the stale refusals did not push the fallback down to text.
      formats.length = 0;
      await chunkReviewer.reviewChunk(PROMPT, context(3));
      expect(formats).toEqual(["json_object"]);
    });

    it("asks for the best format again once the retry interval has passed", async () => {
      const formats: string[] = [];
      let clock = 1_000_000;
      const chunkReviewer = reviewer(refuseUntil(formats, "json_object"), {}, { formatFallback: { retryBestAfterMs: 60_000, now: () => clock } });
      await chunkReviewer.reviewChunk(PROMPT, context(0));
      clock += 59_000;
      await chunkReviewer.reviewChunk(PROMPT, context(1));
      expect(formats).toEqual(["json_schema", "json_object", "json_object"]);
      clock += 1_000;
      formats.length = 0;
      await chunkReviewer.reviewChunk(PROMPT, context(2));
      expect(formats).toEqual(["json_schema", "json_object"]);
    });
  });
});
