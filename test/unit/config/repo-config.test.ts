import { describe, expect, it } from "vitest";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";
import { effectiveSettings } from "../../../src/config/effective-settings.js";
import { DEFAULT_REPO_CONFIG, parseRepoConfig, parseRepoConfigText } from "../../../src/config/repo-config.js";
import { readAppEnv } from "../../../src/config/env.js";
import { reviewSettingsFromEnv } from "../../../src/process/review-settings-from-env.js";
import type { ReviewSettings } from "../../../src/review/review-settings.js";

// The env's defaults, with one exclude glob so the merge of excludes shows.
const base: ReviewSettings = { ...reviewSettingsFromEnv(readAppEnv({})), exclude: ["env/**"] };

describe("parseRepoConfig", () => {
  it("gives the defaults for a missing or empty file", () => {
    expect(parseRepoConfig(null)).toEqual({ config: DEFAULT_REPO_CONFIG, errors: [] });
    expect(parseRepoConfig({}).config).toEqual(DEFAULT_REPO_CONFIG);
    expect(DEFAULT_REPO_CONFIG).toMatchObject({ enabled: true, auto_review: true, drafts: false, severity_threshold: "P3", max_comments: 25 });
  });

  it("accepts every documented key", () => {
    const { config, errors } = parseRepoConfig({
      enabled: true,
      auto_review: false,
      drafts: true,
      paths: { include: ["docs/*.md"], exclude: ["fixtures/**"] },
      severity_threshold: "P1",
      max_comments: 10,
      language: "German",
      instructions: "Be strict about SQL.",
      path_instructions: [{ path: "src/db/**", instructions: "Check transactions." }],
      reasoning_effort: "high",
      caps: { max_files: 50, max_chunks: 5, max_input_tokens: 60_000 },
    });
    expect(errors).toEqual([]);
    expect(config.caps).toEqual({ max_files: 50, max_chunks: 5, max_input_tokens: 60_000 });
  });

  it.each([
    [{ max_comments: "lots" }, ["max_comments"]],
    [{ favourite_color: "blue" }, ["unknown key favourite_color"]],
    [{ paths: { exclude: "dist/**" } }, ["paths.exclude"]],
    [{ caps: { max_file: 3 } }, ["unknown key caps.max_file"]],
    [{ severity_threshold: "P9", drafts: "yes" }, ["drafts", "severity_threshold"]],
  ])("reports %j by key and falls back to the defaults", (raw, keys) => {
    const { config, errors } = parseRepoConfig(raw);
    expect(config).toEqual(DEFAULT_REPO_CONFIG);
    expect(errors).toHaveLength(keys.length);
    keys.forEach((key, index) => expect(errors[index]).toContain(key));
  });
});

describe("parseRepoConfig's bounds", () => {
  it.each([
    // Each rule's instructions go into every prompt whose files match: the count is bounded.
    ["51 path rules", { path_instructions: Array.from({ length: 51 }, (_, i) => ({ path: `src/${i}/**`, instructions: "x".repeat(2_000) })) }, "path_instructions"],
    ["101 exclude globs", { paths: { exclude: Array.from({ length: 101 }, (_, i) => `gen${i}/**`) } }, "paths.exclude"],
    // A glob the matcher refuses would match nothing: the notice says so instead.
    ["a glob of 128 brace alternatives", { paths: { include: ["{a,b}".repeat(7)] } }, "paths.include.0"],
    ["a 1,001-character path rule glob", { path_instructions: [{ path: "x".repeat(1_001), instructions: "y" }] }, "path_instructions.0.path"],
  ])("reports %s and falls back to the defaults", (_label, raw, key) => {
    const { config, errors } = parseRepoConfig(raw);
    expect(config).toEqual(DEFAULT_REPO_CONFIG);
    expect(errors).toEqual([expect.stringContaining(key)]);
  });

  // "Billion laughs": nine levels of nine aliases would expand to 387 million strings.
  it("refuses a YAML alias bomb quickly instead of expanding it", () => {
    const levels = "abcdefghi".split("");
    const text = levels.map((name, i) => `${name}: &${name} [${Array.from({ length: 9 }, () => (i === 0 ? '"lol"' : `*${levels[i - 1]}`)).join(",")}]`).join("\n");
    const started = cpuMs();
    const { config, errors } = parseRepoConfigText(text);
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(config).toEqual(DEFAULT_REPO_CONFIG);
    expect(errors).toEqual([expect.stringMatching(/^not valid YAML: .*alias/i)]);
  });

  it("takes 50 path rules and 100 globs per list", () => {
    const raw = {
      path_instructions: Array.from({ length: 50 }, (_, i) => ({ path: `src/${i}/**`, instructions: "x" })),
      paths: { exclude: Array.from({ length: 100 }, (_, i) => `gen${i}/**`), include: ["**/*.{ts,tsx,js,jsx,mjs,cjs}"] },
    };
    expect(parseRepoConfig(raw).errors).toEqual([]);
  });
});

describe("effectiveSettings", () => {
  it("lays the repository's config over the env settings", () => {
    const { config } = parseRepoConfig({ caps: { max_chunks: 3 }, paths: { exclude: ["gen/**"] }, severity_threshold: "P1", reasoning_effort: "low" });
    const settings = effectiveSettings(base, config, "Flag eval.");
    expect(settings).toMatchObject({ maxChunks: 3, maxFiles: 300, exclude: ["env/**", "gen/**"], severityThreshold: "P1", reasoningEffort: "low" });
    expect(settings.instructions).toContain("Flag eval.");
  });

  it("keeps the env's settings where the config is silent", () => {
    expect(effectiveSettings(base, DEFAULT_REPO_CONFIG, null)).toEqual(base);
  });

  it("treats the env's caps and reasoning effort as ceilings a repository can only lower", () => {
    const env = reviewSettingsFromEnv(readAppEnv({ REVIEW_MAX_FILES: "40", REVIEW_MAX_CHUNKS: "4", REVIEW_MAX_INPUT_TOKENS: "50000", MODEL_REASONING_EFFORT: "low" }));
    const lifting = parseRepoConfig({ caps: { max_files: 10_000, max_chunks: 500, max_input_tokens: 9_000_000 }, reasoning_effort: "high" });
    expect(lifting.errors).toEqual([]);
    expect(effectiveSettings(env, lifting.config, null)).toMatchObject({ maxFiles: 40, maxChunks: 4, maxInputTokens: 50_000, reasoningEffort: "low" });

    const lowering = parseRepoConfig({ caps: { max_files: 5, max_chunks: 2, max_input_tokens: 1_000 }, reasoning_effort: "low" });
    const high = reviewSettingsFromEnv(readAppEnv({ MODEL_REASONING_EFFORT: "high" }));
    expect(effectiveSettings(high, lowering.config, null)).toMatchObject({ maxFiles: 5, maxChunks: 2, maxInputTokens: 1_000, reasoningEffort: "low" });
    expect(effectiveSettings(high, parseRepoConfig({ reasoning_effort: "medium" }).config, null).reasoningEffort).toBe("medium");
  });
});
