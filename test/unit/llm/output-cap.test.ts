import { describe, expect, it } from "vitest";
import { readAppEnv } from "../../../src/config/env.js";
import { createOutputCap } from "../../../src/llm/output-cap.js";
import { outputTokensCeiling } from "../../../src/process/create-reviewer-from-env.js";

describe("createOutputCap", () => {
  const cutOff = { status: "incomplete" as const, incompleteReason: "max_output_tokens" };

  it("doubles once, bounded by the ceiling", () => {
    const cap = createOutputCap(16_000, 20_000);
    expect(cap.cutOff(cutOff)).toBe(true);
    expect(cap.raise()).toBe(true);
    expect(cap.value).toBe(20_000);
    expect(cap.raise()).toBe(false);
    expect(cap.value).toBe(20_000);
  });

  it("does not raise at the ceiling, and only a max_output_tokens stop counts as cut off", () => {
    const cap = createOutputCap(16_000, 16_000);
    expect(cap.raise()).toBe(false);
    expect(cap.cutOff({ status: "incomplete", incompleteReason: "content_filter" })).toBe(false);
    expect(cap.cutOff({ status: "completed", incompleteReason: null })).toBe(false);
  });
});

describe("outputTokensCeiling", () => {
  it("defaults to twice MODEL_MAX_OUTPUT_TOKENS, an empty value included", () => {
    expect(outputTokensCeiling(readAppEnv({ MODEL_MAX_OUTPUT_TOKENS: "10000", MODEL_OUTPUT_TOKENS_CEILING: "" }))).toBe(20_000);
    expect(outputTokensCeiling(readAppEnv({ MODEL_OUTPUT_TOKENS_CEILING: "50000" }))).toBe(50_000);
  });

  it("refuses a ceiling below the first call's cap, naming both variables", () => {
    expect(() => outputTokensCeiling(readAppEnv({ MODEL_MAX_OUTPUT_TOKENS: "16000", MODEL_OUTPUT_TOKENS_CEILING: "8000" }))).toThrow(
      /MODEL_OUTPUT_TOKENS_CEILING \(8000\) is below MODEL_MAX_OUTPUT_TOKENS \(16000\)/,
    );
  });
});
