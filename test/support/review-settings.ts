import type { ReviewSettings } from "../../src/review/review-settings.js";

/** Review settings for tests that run the review in process: the defaults of a deployment, diff mode. */
export function testReviewSettings(more: Partial<ReviewSettings> = {}): ReviewSettings {
  return {
    chunkTokens: 12_000,
    chunkConcurrency: 2,
    maxFiles: 300,
    maxChunks: 20,
    maxInputTokens: 400_000,
    exclude: [],
    include: [],
    severityThreshold: "P3",
    maxComments: 25,
    language: "English",
    instructions: "",
    pathInstructions: [],
    reasoningEffort: null,
    model: "openai/gpt-5-1-codex",
    context: { mode: "diff", scopeLines: 80, toolRounds: 8, toolOutputTokens: 24_000 },
    checkFailOn: "never",
    summaryComment: false,
    ...more,
  };
}
