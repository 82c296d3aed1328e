import type { Severity } from "./types.js";

/** What a review reads beyond the diff, cheapest first: the hunks alone; each hunk widened to its enclosing scope; scope plus repository tools. */
export type ContextMode = "diff" | "scope" | "agentic";
export const CONTEXT_MODES: readonly ContextMode[] = ["diff", "scope", "agentic"];

/** Repository context of a review: env defaults (the operator's ceilings), lowered per repository by `context:`. */
export interface ContextSettings {
  /** REVIEW_CONTEXT_MODE, default `agentic`; a repository may pick a cheaper mode, never a dearer one. */
  mode: ContextMode;
  /** Lines at most a hunk is widened by to reach its enclosing scope (REVIEW_CONTEXT_LINES, default 80). */
  scopeLines: number;
  /** Model calls with tools per chunk; the last allowed one is sent with `tool_choice: "none"` (REVIEW_TOOL_ROUNDS, default 8). */
  toolRounds: number;
  /** Tokens of tool output at most per chunk (REVIEW_TOOL_OUTPUT_TOKENS, default 24,000); also counted against `maxInputTokens`. */
  toolOutputTokens: number;
}

/** When the check run fails: never (`neutral` with open P0/P1 findings), or with an open finding of this severity or worse. */
export type CheckFailOn = "P0" | "P1" | "never";

/** Knobs of one review: env defaults, overridden per repository by `.github/codex-review.yml`. */
export interface ReviewSettings {
  /** Token budget of the diff text in one chunk. Default 12,000. */
  chunkTokens: number;
  /** Chunks reviewed at once for one PR. Default 4. */
  chunkConcurrency: number;
  /** Files reviewed at most; the rest are named in the summary. Default 300. A repository may lower the caps, never raise them. */
  maxFiles: number;
  /** Chunks (model calls) at most per review. Default 20. */
  maxChunks: number;
  /** Diff tokens sent at most per review. Default 400,000. */
  maxInputTokens: number;
  /** Extra exclude globs on top of the defaults. */
  exclude: string[];
  /** Globs reviewed even where a default or repo exclude matches. Default none. */
  include: string[];
  /** Findings below this severity are dropped. Default P3 (keep all). */
  severityThreshold: Severity;
  /** Inline comments at most; the rest go to the review body. Default 25. */
  maxComments: number;
  /** Language of the review text. Default English. */
  language: string;
  /** Repository guidance added to the prompt (config `instructions`, AGENTS.md review section). */
  instructions: string;
  /** Guidance for files matching a glob. */
  pathInstructions: Array<{ path: string; instructions: string }>;
  /** Reasoning effort: the env's (MODEL_REASONING_EFFORT), or a repository's lower one; null = the model client's default. */
  reasoningEffort: "low" | "medium" | "high" | null;
  /** Model name shown in the summary. */
  model: string;
  context: ContextSettings;
  /** Config `check.fail_on`; default `never`. */
  checkFailOn: CheckFailOn;
  /** Config `summary_comment`: one summary comment per PR, edited in place. Default true. */
  summaryComment: boolean;
}
