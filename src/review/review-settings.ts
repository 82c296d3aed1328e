/** Knobs of one review, from env now and per-repo config later. */
export interface ReviewSettings {
  /** Token budget of the diff text in one chunk. Default 12,000. */
  chunkTokens: number;
  /** Chunks reviewed at once for one PR. Default 4. */
  chunkConcurrency: number;
  /** Files reviewed at most; the rest are named in the summary. Default 300. */
  maxFiles: number;
  /** Chunks (model calls) at most per review. Default 20. */
  maxChunks: number;
  /** Diff tokens sent at most per review. Default 400,000. */
  maxInputTokens: number;
  /** Extra exclude globs on top of the defaults. */
  exclude: string[];
  /** Model name shown in the summary. */
  model: string;
}
