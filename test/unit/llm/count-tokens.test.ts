import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { countTokens } from "../../../src/llm/count-tokens.js";

describe("countTokens", () => {
  it.each<[string, number]>([
    ["", 0],
    ["hello", 1],
    ["hello world", 2],
    ["R12 +const x = 1;\n", 9],
  ])("counts %j as %i o200k tokens", (text, expected) => {
    expect(countTokens(text)).toBe(expected);
  });

  it.each(["function f(a, b) { return a + b; }\n", "// ünïcödé — 日本語のコメント\n", "\t\t  if (x) {\r\n"])(
    "agrees with the library's o200k encoder on %j",
    (text) => {
      expect(countTokens(text)).toBe(encode(text).length);
    },
  );

  it("counts special-token text in a diff as plain text instead of throwing", () => {
    // The library's default throws "Disallowed special token found" on this.
    expect(() => encode("tok = '<|endoftext|>'")).toThrow();
    expect(countTokens("tok = '<|endoftext|>'")).toBeGreaterThan(3);
  });
});
