import type { Severity } from "./types.js";

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
}
