/*
 * Extra input tokens per chunk that the repository tools cost, on the planted-bug scenario of the
 * end-to-end test (test/integration/agentic-review.test.ts): the same chunk reviewed in `diff` mode
 * (one call) and in `agentic` mode (search_code, read_file, answer: three calls). Tokens are counted
 * with o200k_base over what each request carries: instructions, the tool definitions, the user
 * message, and every function call and output sent back. Run: `npx tsx bench/tool-tokens.ts`.
 */
import { pino } from "pino";
import { countTokens } from "../src/llm/count-tokens.js";
import { createChunkReviewer } from "../src/llm/chunk-reviewer.js";
import { createResponsesClient } from "../src/llm/responses-client.js";
import type { ContextMode, ReviewSettings } from "../src/review/review-settings.js";
import { reviewDiff } from "../src/worker/review-diff.js";
import { startAimlApiFake, type FakeResponsesRequest } from "../test/fakes/aimlapi-fake.js";
import { createGitRepo } from "../test/support/git-repo.js";
import { createMemoryRepository } from "../test/support/memory-repository.js";
import { answerAsPlantedBugAgent, PLANTED_BUG, PLANTED_BUG_HEAD } from "../test/support/planted-bug.js";

export interface ToolTokenFigures {
  /** Input tokens of the chunk's one call in diff mode. */
  diffMode: number;
  /** Input tokens of all the chunk's calls in agentic mode. */
  agentic: number;
  agenticCalls: number;
  /** Per chunk: agentic minus diff mode. */
  extraPerChunk: number[];
  medianExtra: number;
}

/** What one request carries as input, in o200k tokens. */
export function requestInputTokens(body: FakeResponsesRequest): number {
  let tokens = countTokens(body.instructions ?? "") + (body.tools ? countTokens(JSON.stringify(body.tools)) : 0);
  if (typeof body.input === "string") return tokens + countTokens(body.input);
  for (const item of body.input as Array<Record<string, unknown>>) {
    for (const field of ["content", "name", "arguments", "output"]) {
      if (typeof item[field] === "string") tokens += countTokens(item[field]);
    }
  }
  return tokens;
}

export async function measureToolTokens(): Promise<ToolTokenFigures> {
  const log = pino({ level: "silent" });
  const git = createGitRepo({ ...PLANTED_BUG.base });
  const diff = git.diff("main", git.commit("topic", { ...PLANTED_BUG.head }));
  git.remove();
  const bodies: FakeResponsesRequest[] = [];
  const fake = await startAimlApiFake({
    handler: (call) => {
      bodies.push(call.body);
      return answerAsPlantedBugAgent(call);
    },
  });
  try {
    const client = createResponsesClient({ baseUrl: fake.url, apiKey: fake.apiKey, model: "openai/gpt-5-1-codex" });
    const reviewer = createChunkReviewer({ client, maxOutputTokens: 4_000, reasoningEffort: "medium", log });
    const run = async (mode: ContextMode) => {
      bodies.length = 0;
      await reviewDiff(
        { diff, pullRequest: { owner: "o", repo: "shop", number: 1, title: "Discounts as fractions", body: "", baseRef: "main", headRef: "topic" }, headSha: "a".repeat(40), jobHash: "bench", repository: createMemoryRepository(PLANTED_BUG_HEAD, PLANTED_BUG.base) },
        { reviewer, settings: settingsFor(mode), log },
      );
      return bodies.map(requestInputTokens);
    };
    const diffMode = await run("diff");
    const agentic = await run("agentic");
    const extra = agentic.reduce((a, b) => a + b, 0) - diffMode.reduce((a, b) => a + b, 0);
    return { diffMode: diffMode[0]!, agentic: agentic.reduce((a, b) => a + b, 0), agenticCalls: agentic.length, extraPerChunk: [extra], medianExtra: extra };
  } finally {
    await fake.close();
  }
}

function settingsFor(mode: ContextMode): ReviewSettings {
  return {
    chunkTokens: 12_000, chunkConcurrency: 1, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [], include: [],
    severityThreshold: "P3", maxComments: 25, language: "English", instructions: "", pathInstructions: [], reasoningEffort: null,
    model: "openai/gpt-5-1-codex", context: { mode, scopeLines: 80, toolRounds: 8, toolOutputTokens: 24_000 }, checkFailOn: "never", summaryComment: true,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureToolTokens();
  console.log(JSON.stringify(figures, null, 2));
}
