import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";
// Diffs of tokenizer code contain strings like "<|endoftext|>"; count them as plain text instead of
// letting the library throw on a "disallowed special token".
const PLAIN_TEXT = { disallowedSpecial: new Set() };
/** Tokens of `text` in o200k_base, the encoding of the gpt-5 / codex models. */
export function countTokens(text) {
    return text.length === 0 ? 0 : countO200k(text, PLAIN_TEXT);
}
