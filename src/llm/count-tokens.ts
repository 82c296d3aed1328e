import { createRequire } from "node:module";

type CountTokens = (text: string, options: { disallowedSpecial: Set<string> }) => number;

// Diffs of tokenizer code contain strings like "<|endoftext|>"; count them as plain text instead of
// letting the library throw on a "disallowed special token".
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const require = createRequire(import.meta.url);
let countO200k: CountTokens | undefined;

/**
 * Tokens of `text` in o200k_base, the encoding of the gpt-5 / codex models. The encoding's tables are
 * ~70 MB of heap, so they are loaded on the first count, once per process (this is the only module that
 * loads gpt-tokenizer): a process that never counts (the web process, a worker before its first review)
 * never pays for them. Loaded with `require` so counting stays synchronous.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  countO200k ??= (require("gpt-tokenizer/encoding/o200k_base") as { countTokens: CountTokens }).countTokens;
  return countO200k(text, PLAIN_TEXT);
}

/**
 * Loads the tables now rather than in the first review, where they would add most of a second to its
 * time before the model (measured in `npm run bench`: the first jobs' pre-model phase 900 ms against
 * ~110 ms). A worker calls it once it takes jobs; a job arriving meanwhile waits for the same load.
 */
export function preloadTokenizer(): void {
  countTokens("preload");
}
