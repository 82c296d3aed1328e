import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChunkReviewer, type ChunkReviewContext, type ChunkTools } from "../../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import { BUDGET_SPENT_OUTPUT } from "../../../src/llm/tool-conversation.js";
import { buildReviewPrompt, TOOL_INSTRUCTIONS } from "../../../src/review/build-review-prompt.js";
import { countToolCalls, noToolUse } from "../../../src/review/tool-use.js";
import { createRepositoryToolRunner } from "../../../src/tools/run-repository-tool.js";
import { planReview } from "../../../src/review/plan-review.js";
import {
  completedReply,
  errorReply,
  functionCallReply,
  startAimlApiFake,
  type AimlApiFake,
  type AimlApiHandler,
  type FakeReply,
  type FakeResponsesCall,
} from "../../fakes/aimlapi-fake.js";
import { answeredCalls, mayCallTools } from "../../support/agent-model.js";
import { createMemoryRepository } from "../../support/memory-repository.js";
import { answerAsPlantedBugAgent, PLANTED_BUG, PLANTED_BUG_HEAD } from "../../support/planted-bug.js";
import { createGitRepo } from "../../support/git-repo.js";

/*
 * The tool loop of an agentic chunk review, with the real chunk reviewer and Responses client against
 * the AI/ML API fake, which validates every request against the published spec and 400s a conversation
 * that leaves a function call without its output.
 */

const log = pino({ level: "silent" });
const NO_FINDINGS = { summary: "Fine.", comments: [] };
let fake: AimlApiFake;
let prompt: { instructions: string; input: string };
const calls: FakeResponsesCall[] = [];
const waits: number[] = [];

beforeAll(async () => {
  fake = await startAimlApiFake();
  // The planted bug's diff, from a real repository at two commits.
  const repo = createGitRepo({ ...PLANTED_BUG.base });
  const head = repo.commit("topic", { ...PLANTED_BUG.head }, "applyDiscount takes a fraction");
  const plan = planReview(repo.diff("main", head), { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] });
  repo.remove();
  prompt = buildReviewPrompt(plan.chunks[0]!, { owner: "o", repo: "shop", number: 7, title: "Discounts as fractions", body: "", baseRef: "main", headRef: "topic" });
});
afterAll(async () => fake.close());
afterEach(() => {
  expect(fake.invalidRequests).toEqual([]);
  expect(fake.invalidReplies).toEqual([]);
  expect(fake.unexpected).toEqual([]);
  calls.length = 0;
  waits.length = 0;
});

function reviewer(handler: AimlApiHandler) {
  fake.setHandler((call) => {
    calls.push(call);
    return handler(call);
  });
  const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 5_000 });
  return createChunkReviewer({ client, maxOutputTokens: 4_000, reasoningEffort: "medium", log, retry: { maxAttempts: 4, baseDelayMs: 10 }, wait: async (ms) => waits.push(ms) });
}

function tools(budget: Partial<ChunkTools["budget"]> = {}): ChunkTools {
  return {
    runner: createRepositoryToolRunner(createMemoryRepository(PLANTED_BUG_HEAD, PLANTED_BUG.base)),
    budget: { rounds: 8, outputTokens: 24_000, review: { remaining: 400_000 }, ...budget },
    use: noToolUse(),
    instructions: TOOL_INSTRUCTIONS,
  };
}
const context = (chunkTools?: ChunkTools): ChunkReviewContext => ({ chunkIndex: 0, usage: { inputTokens: 0, outputTokens: 0, usdSpent: 0 }, ...(chunkTools ? { tools: chunkTools } : {}) });

/** A model that reads README.md in every round it may call a tool, and answers when it may not. */
const alwaysReads: AimlApiHandler = (call) =>
  mayCallTools(call)
    ? functionCallReply([{ name: "read_file", arguments: { path: "README.md", start_line: null, end_line: null, version: null } }], { request: call.body })
    : completedReply(NO_FINDINGS, { request: call.body });

describe("an agentic chunk review", () => {
  it("runs the calls the model asks for and reports the bug the caller shows, in stateless requests the spec accepts", async () => {
    const chunkTools = tools();
    const ctx = context(chunkTools);
    const review = await reviewer(answerAsPlantedBugAgent).reviewChunk(prompt, ctx);

    expect(review.findings).toMatchObject([{ path: "src/pricing.ts", severity: "P1", title: PLANTED_BUG.title }]);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.body).toMatchObject({ store: false, include: ["reasoning.encrypted_content"], tool_choice: "auto", parallel_tool_calls: true });
      expect(call.body.tools?.map((tool) => [tool.type, tool.name, tool.strict])).toEqual([
        ["function", "read_file", true],
        ["function", "search_code", true],
        ["function", "list_files", true],
      ]);
      expect(call.body.instructions).toContain("check the callers and callees of what changed");
    }
    // Each follow-up carries the model's own items back (reasoning with its encrypted content) and an output per call.
    const third = calls[2]!.body.input as Array<{ type: string; encrypted_content?: string }>;
    expect(third.map((item) => item.type)).toEqual(["message", "reasoning", "function_call", "function_call_output", "reasoning", "function_call", "function_call_output"]);
    expect(third.filter((item) => item.type === "reasoning").every((item) => item.encrypted_content?.startsWith("gAAAA"))).toBe(true);
    expect(answeredCalls(calls[2]!).map((entry) => entry.name)).toEqual(["search_code", "read_file"]);

    expect(chunkTools.use).toMatchObject({ calls: { search_code: { ok: 1 }, read_file: { ok: 1 } }, filesRead: ["src/checkout.ts"], modelCalls: 3 });
    expect(chunkTools.use.outputTokens).toBeGreaterThan(0);
    expect(chunkTools.use.followUpInputTokens).toBe(calls.slice(1).reduce((sum, call) => sum + Math.ceil((JSON.stringify(call.body.input).length + call.body.instructions!.length) / 4), 0));
    expect(ctx.usage.inputTokens).toBeGreaterThan(chunkTools.use.followUpInputTokens);
  });

  it("without tools the same model sees only the diff and reports nothing", async () => {
    const review = await reviewer(answerAsPlantedBugAgent).reviewChunk(prompt, context());
    expect(review.findings).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).not.toHaveProperty("tools");
    expect(typeof calls[0]!.body.input).toBe("string");
  });

  it("sends the last allowed round with tool_choice none, and the model answers", async () => {
    const chunkTools = tools({ rounds: 3 });
    const review = await reviewer(alwaysReads).reviewChunk(prompt, context(chunkTools));
    expect(review.summary).toBe("Fine.");
    expect(calls.map((call) => call.body.tool_choice)).toEqual(["auto", "auto", "none"]);
    expect(chunkTools.use.calls).toEqual({ read_file: { ok: 2 } });
  });

  it("replaces a tool output over the chunk's output budget with a short note, then asks for the answer", async () => {
    const chunkTools = tools({ outputTokens: 60 });
    const long = createMemoryRepository({ "README.md": "word ".repeat(500) });
    chunkTools.runner = createRepositoryToolRunner(long);
    await reviewer(alwaysReads).reviewChunk(prompt, context(chunkTools));
    expect(calls.map((call) => call.body.tool_choice)).toEqual(["auto", "none"]);
    expect(answeredCalls(calls[1]!)[0]!.output).toBe(BUDGET_SPENT_OUTPUT);
    expect(chunkTools.use).toMatchObject({ calls: { read_file: { budget_spent: 1 } }, outputTokens: 0, filesRead: [] });
  });

  it("counts tool outputs against the review's input cap, shared across chunks", async () => {
    const chunkTools = tools({ review: { remaining: 120 } });
    await reviewer(alwaysReads).reviewChunk(prompt, context(chunkTools));
    const spent = chunkTools.use.outputTokens;
    expect(spent).toBeGreaterThan(0);
    expect(chunkTools.budget.review.remaining).toBe(120 - spent);
    // README.md (50 tokens with its frame) fits twice; the third read would pass the cap.
    expect(chunkTools.use.calls.read_file).toEqual({ ok: 2, budget_spent: 1 });
    expect(calls.at(-1)!.body.tool_choice).toBe("none");
  });

  it("retries a failed round by repeating that call only, not the conversation", async () => {
    let failed = false;
    await reviewer((call) => {
      if (answeredCalls(call).length === 1 && !failed) {
        failed = true;
        return errorReply(503, "Service unavailable");
      }
      return answerAsPlantedBugAgent(call);
    }).reviewChunk(prompt, context(tools()));
    expect(waits).toHaveLength(1);
    expect(calls.map((call) => answeredCalls(call).length)).toEqual([0, 1, 1, 2]);
    const [, failedCall, retried] = fake.requests.slice(-4);
    expect(retried!.rawBody).toBe(failedCall!.rawBody);
  });

  it("falls back to the diff-only review when the endpoint does not take tools, and keeps to it for the process", async () => {
    const refuse: AimlApiHandler = (call) =>
      call.body.tools ? errorReply(400, "Unsupported parameter: 'tools' is not supported with this model.") : completedReply(NO_FINDINGS, { request: call.body });
    const chunkReviewer = reviewer(refuse);
    const chunkTools = tools();
    const review = await chunkReviewer.reviewChunk(prompt, context(chunkTools));
    expect(review.summary).toBe("Fine.");
    expect(calls.map((call) => Boolean(call.body.tools))).toEqual([true, false]);
    expect(typeof calls[1]!.body.input).toBe("string");
    expect(calls[1]!.body.instructions).not.toContain("read_file");
    expect(chunkTools.use.refusedChunks).toBe(1);
    // The next chunk does not ask again.
    await chunkReviewer.reviewChunk(prompt, context(tools()));
    expect(calls.map((call) => Boolean(call.body.tools))).toEqual([true, false, false]);
    expect(fake.invalidRequests).toEqual([]);
  });

  it("leaves out a reasoning item that came back without its encrypted content, which a stateless API could not resolve", async () => {
    await reviewer((call) => {
      const reply = alwaysReads(call) as FakeReply;
      for (const item of (reply.body as { output: Array<Record<string, unknown>> }).output) delete item.encrypted_content;
      return reply;
    }).reviewChunk(prompt, context(tools({ rounds: 2 })));
    expect((calls[1]!.body.input as Array<{ type: string }>).map((item) => item.type)).toEqual(["message", "function_call", "function_call_output"]);
  });

  it("answers a call with bad arguments with an error output and carries on", async () => {
    const chunkTools = tools();
    await reviewer((call) =>
      answeredCalls(call).length === 0
        ? functionCallReply([{ name: "read_file", arguments: { path: 42 } }, { name: "run_shell", arguments: "{}" }], { request: call.body })
        : completedReply(NO_FINDINGS, { request: call.body }),
    ).reviewChunk(prompt, context(chunkTools));
    const outputs = answeredCalls(calls[1]!).map((entry) => entry.output);
    expect(outputs[0]).toContain("Invalid arguments for read_file");
    expect(outputs[1]).toContain("Unknown tool");
    expect(chunkTools.use.calls).toEqual({ read_file: { invalid_arguments: 1 }, unknown: { unknown_tool: 1 } });
  });
});

describe("the fake's conversation rules", () => {
  it("answers 400 to a function call sent back without its output, as the API does", async () => {
    fake.setHandler(() => completedReply(NO_FINDINGS));
    const response = await fetch(`${fake.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "openai/gpt-5-1-codex",
        input: [{ type: "message", role: "user", content: "hi" }, { type: "function_call", call_id: "call_1", name: "read_file", arguments: "{}" }],
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe("No tool output found for function call call_1.");
    expect(fake.invalidRequests).toHaveLength(1);
    fake.invalidRequests.length = 0;
  });
});

it("counts tool calls across the conversation", () => {
  const use = noToolUse();
  use.calls = { read_file: { ok: 2, missing: 1 }, search_code: { ok: 1 } };
  expect(countToolCalls(use)).toBe(4);
});
