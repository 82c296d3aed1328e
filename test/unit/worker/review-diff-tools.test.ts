import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChunkReviewer } from "../../../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import type { RepositoryReader } from "../../../src/repository/repository-reader.js";
import type { ContextMode, ReviewSettings } from "../../../src/review/review-settings.js";
import { planReview } from "../../../src/review/plan-review.js";
import { reviewDiff } from "../../../src/worker/review-diff.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../../fakes/aimlapi-fake.js";
import { createGitRepo } from "../../support/git-repo.js";
import { createMemoryRepository } from "../../support/memory-repository.js";
import { answerAsPlantedBugAgent, PLANTED_BUG, PLANTED_BUG_HEAD } from "../../support/planted-bug.js";
import { testReviewSettings } from "../../support/review-settings.js";

/* reviewDiff in each context mode, over the planted bug's real diff and an in-memory repository. */

const log = pino({ level: "silent" });
const settings = (mode: ContextMode, more: Partial<ReviewSettings> = {}): ReviewSettings =>
  testReviewSettings({ context: { mode, scopeLines: 80, toolRounds: 8, toolOutputTokens: 24_000 }, summaryComment: true, ...more });
const pullRequest = { owner: "o", repo: "shop", number: 7, title: "Discounts as fractions", body: "", baseRef: "main", headRef: "topic" };
const reader = createMemoryRepository(PLANTED_BUG_HEAD, PLANTED_BUG.base);

let fake: AimlApiFake;
let diff: string;
const calls: FakeResponsesCall[] = [];
beforeAll(async () => {
  fake = await startAimlApiFake({
    handler: (call) => {
      calls.push(call);
      return answerAsPlantedBugAgent(call);
    },
  });
  const git = createGitRepo({ ...PLANTED_BUG.base });
  diff = git.diff("main", git.commit("topic", { ...PLANTED_BUG.head }));
  git.remove();
});
afterAll(async () => fake.close());
afterEach(() => {
  expect(fake.invalidRequests).toEqual([]);
  expect(fake.invalidReplies).toEqual([]);
  expect(fake.unexpected).toEqual([]);
  calls.length = 0;
});

function runReview(reviewSettings: ReviewSettings, repository?: RepositoryReader, repositoryUnavailable?: string) {
  const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 5_000 });
  const reviewer = createChunkReviewer({ client, maxOutputTokens: 4_000, reasoningEffort: "medium", log, wait: async () => undefined });
  return reviewDiff(
    { diff, pullRequest, headSha: "a".repeat(40), jobHash: "job", ...(repository ? { repository } : {}), ...(repositoryUnavailable ? { repositoryUnavailable } : {}) },
    { reviewer, settings: reviewSettings, log },
  );
}

describe("reviewDiff and the repository tools", () => {
  it("agentic with a repository: the model reads the caller, the finding is posted and the body accounts for what it read", async () => {
    const { review, toolUse } = await runReview(settings("agentic"), reader);
    expect(review.comments).toMatchObject([{ path: "src/pricing.ts", side: "RIGHT" }]);
    expect(toolUse).toMatchObject({ calls: { search_code: { ok: 1 }, read_file: { ok: 1 } }, filesRead: ["src/checkout.ts"], modelCalls: 3 });
    expect(review.body).toContain("#### Repository context");
    expect(review.body).toContain("Files it read: `src/checkout.ts`.");
    expect(review.usage.inputTokens).toBeGreaterThan(toolUse!.followUpInputTokens);
  });

  it.each<[string, ContextMode]>([
    ["scope", "scope"],
    ["diff", "diff"],
  ])("%s mode offers no tools, even with a repository", async (_name, mode) => {
    const { review, toolUse } = await runReview(settings(mode), reader);
    expect(calls.map((call) => call.body.tools)).toEqual([undefined]);
    expect(review.comments).toEqual([]);
    expect(toolUse).toBeNull();
    expect(review.body).not.toContain("Repository context");
  });

  it("agentic without a repository reviews the diff and says why", async () => {
    const { review } = await runReview(settings("agentic"), undefined, "the repository could not be read at aaaaaaa (HTTP 502)");
    expect(calls).toHaveLength(1);
    expect(review.body).toContain("Reviewed from the diff alone: the repository could not be read at aaaaaaa (HTTP 502).");
  });

  it("names a reader's limitation (no search over the contents API) and lets the model read files anyway", async () => {
    const limited: RepositoryReader = {
      ...reader,
      source: "contents",
      limitation: "The repository's archive is over REPO_SNAPSHOT_MAX_BYTES: files were read one by one and search was unavailable.",
      searchCode: async () => ({ kind: "unavailable", reason: "search needs a snapshot" }),
    };
    const { review, toolUse } = await runReview(settings("agentic"), limited);
    expect(toolUse!.calls).toEqual({ search_code: { unavailable: 1 } });
    expect(review.body).toContain("search was unavailable");
  });

  it("a per-PR input cap the diff already fills leaves no room for tool output: the model answers at once", async () => {
    const diffTokens = planReview(diff, settings("agentic")).chunks[0]!.tokens;
    const tight = settings("agentic", { maxInputTokens: diffTokens });
    const { toolUse } = await runReview(tight, reader);
    expect(calls.map((call) => call.body.tool_choice)).toEqual(["none"]);
    expect(toolUse!.outputTokens).toBe(0);
  });
});
