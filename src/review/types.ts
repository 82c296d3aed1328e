import type { Hunk, Side } from "../diff/types.js";

/** P0 must fix before merge .. P3 nit. */
export type Severity = "P0" | "P1" | "P2" | "P3";

/** A comment as the model proposes it, after schema validation; its anchor is not yet trusted. */
export interface Finding {
  path: string;
  line: number;
  side: Side;
  startLine: number | null;
  severity: Severity;
  title: string;
  body: string;
  /** Replacement text for the anchored line range, if the model proposes one. */
  suggestion: string | null;
  /** A verbatim snippet of the code the finding is about, used to re-anchor an off-by-some line. */
  quote: string | null;
}

/** What one model call returns for one chunk. */
export interface ChunkReview {
  summary: string;
  findings: Finding[];
}

/** A comment in the exact shape `pulls.createReview` accepts. */
export interface ReviewComment {
  path: string;
  line: number;
  side: Side;
  start_line?: number;
  start_side?: Side;
  body: string;
}

/** A file's share of a chunk: whole hunks, or consecutive slices of one oversized hunk. */
export interface ChunkFile {
  path: string;
  oldPath: string | null;
  status: string;
  hunks: Hunk[];
}

export interface Chunk {
  index: number;
  files: ChunkFile[];
  /** Tokens of the diff text of this chunk as rendered into the prompt. */
  tokens: number;
}

/** The pull request facts a prompt shows the model as context (untrusted data). */
export interface PullRequestContext {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  baseRef: string;
  headRef: string;
}

/** A prompt ready for the Responses API: `instructions` is ours, `input` carries the untrusted data. */
export interface ReviewPrompt {
  instructions: string;
  input: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  usdSpent: number;
}

/** A file the review did not (fully) cover, with a reason a reader of the review understands. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** A chunk whose model call failed for good; its files were not reviewed. */
export interface FailedChunk {
  paths: string[];
  reason: string;
}
