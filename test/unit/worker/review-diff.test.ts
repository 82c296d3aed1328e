import { readFileSync } from "node:fs";
import { UnrecoverableError } from "bullmq";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChunkReviewer } from "../../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import { reviewDiff } from "../../../src/worker/review-diff.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../../fakes/aimlapi-fake.js";
import { completedReply, incompleteReply } from "../../fakes/aimlapi-replies.js";
import { findingPerAddedLine, promptInput } from "../../support/scripted-model.js";
import { testReviewSettings } from "../../support/review-settings.js";

/*
 * reviewDiff with the real chunk reviewer against the scripted AI/ML API fake: a chunk whose review is
 * cut off at max_output_tokens. multi-hunk.diff is one chunk of three hunks of parse.js.
 */

const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const log = pino({ level: "silent" });
const CAP = 4_000;
const PRICE = 0.01; // what the fake bills each call, cut off or not

const settings = testReviewSettings({ summaryComment: true });
const pullRequest = { owner: "o", repo: "r", number: 1, title: "Parse counts", body: "", baseRef: "main", headRef: "topic" };

let fake: AimlApiFake;
beforeAll(async () => {
  fake = await startAimlApiFake();
});
afterAll(async () => fake.close());
afterEach(() => {
  expect(fake.invalidRequests).toEqual([]);
  expect(fake.invalidReplies).toEqual([]);
  expect(fake.unexpected).toEqual([]);
});

const hunksIn = (call: FakeResponsesCall) => promptInput(call).split("\n").filter((line) => line.startsWith("@@ ")).length;

/** Reviews the diff; `cutOff` says which calls the model cannot finish within their cap. */
async function review(cutOff: (call: FakeResponsesCall) => boolean) {
  const calls: FakeResponsesCall[] = [];
  fake.setHandler((call) => {
    calls.push(call);
    const options = { request: call.body, inputTokens: 1_000, outputTokens: call.body.max_output_tokens ?? 0, usdSpent: PRICE };
    return cutOff(call) ? incompleteReply('{"summary": "The chan', options) : completedReply(findingPerAddedLine(promptInput(call)), options);
  });
  const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 5_000 });
  const reviewer = createChunkReviewer({ client, maxOutputTokens: CAP, outputTokensCeiling: 2 * CAP, reasoningEffort: "medium", log, wait: async () => undefined });
  const start = fake.requests.length;
  const result = await reviewDiff({ diff, pullRequest, headSha: "a".repeat(40), jobHash: "job" }, { reviewer, settings, log }).catch((error: unknown) => error);
  const bodies = fake.requests.slice(start).map((request) => request.rawBody);
  return { result, calls, bodies };
}

const capsOf = (calls: FakeResponsesCall[]) => calls.map((call) => [hunksIn(call), call.body.max_output_tokens]);

describe("reviewDiff with a chunk cut off at max_output_tokens", () => {
  it("raises the cap once, then reviews the chunk in two halves; no call is sent twice and every call is paid for", async () => {
    const { result, calls, bodies } = await review((call) => hunksIn(call) === 3);
    expect(capsOf(calls)).toEqual([
      [3, CAP],
      [3, 2 * CAP],
      [expect.any(Number), 2 * CAP],
      [expect.any(Number), 2 * CAP],
    ]);
    expect(hunksIn(calls[2]!) + hunksIn(calls[3]!)).toBe(3);
    expect(new Set(bodies).size).toBe(bodies.length);
    const { review: assembled, failedChunks } = result as Awaited<ReturnType<typeof reviewDiff>>;
    expect(failedChunks).toBe(0);
    // One finding per added line of all three hunks.
    expect(assembled.comments).toHaveLength(3);
    expect(assembled.usage.inputTokens).toBe(4_000);
    expect(assembled.usage.usdSpent).toBeCloseTo(4 * PRICE, 10);
    expect(assembled.body).toContain("4,000 tokens in");
    expect(assembled.body).toContain("$0.04");
  });

  it("names a half that is cut off too as not reviewed, posts the other, and counts the failed calls", async () => {
    const { result, calls, bodies } = await review((call) => hunksIn(call) >= 2);
    expect(calls).toHaveLength(4);
    expect(new Set(bodies).size).toBe(bodies.length);
    const { review: assembled, failedChunks } = result as Awaited<ReturnType<typeof reviewDiff>>;
    expect(failedChunks).toBe(1);
    expect(assembled.comments).toHaveLength(1);
    expect(assembled.body).toMatch(/`parse\.js`: the model call failed \(the model's output was cut off at max_output_tokens \(8000\)\)/);
    expect(assembled.usage.usdSpent).toBeCloseTo(4 * PRICE, 10);
  });

  it("fails the job for good when every part is cut off: a retry would send the same calls, and the error says what they cost", async () => {
    const { result, calls, bodies } = await review(() => true);
    expect(calls).toHaveLength(4);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(result).toBeInstanceOf(UnrecoverableError);
    expect((result as Error).message).toContain("model usage 4000 tokens in");
    expect((result as Error).message).toContain("$0.0400");
  });
});
