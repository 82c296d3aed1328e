import { describe, expect, it } from "vitest";
import { readAppEnv } from "../../../src/config/env.js";
import { appEnvOfStep, readRunnerEnv } from "../../../src/action/runner-env.js";

describe("appEnvOfStep", () => {
  it("drops the inputs left empty, so the App's defaults apply instead of failing its schema", () => {
    const step = { AIMLAPI_KEY: "k", REVIEW_MAX_FILES: "", MODEL_REASONING_EFFORT: "", REVIEW_CONTEXT_MODE: "scope", RUNNER_TEMP: "/runner/tmp" };
    expect(() => readAppEnv(step)).toThrow(/REVIEW_MAX_FILES/);
    const env = readAppEnv(appEnvOfStep(step));
    expect(env).toMatchObject({ REVIEW_MAX_FILES: 300, MODEL_REASONING_EFFORT: "medium", REVIEW_CONTEXT_MODE: "scope", REPO_CACHE_DIR: "/runner/tmp/codex-review-repos" });
  });

  it("keeps a REPO_CACHE_DIR the workflow set", () => {
    expect(appEnvOfStep({ REPO_CACHE_DIR: "/cache", RUNNER_TEMP: "/runner/tmp" }).REPO_CACHE_DIR).toBe("/cache");
  });
});

describe("readRunnerEnv", () => {
  it("names what is missing outside a runner, and defaults the URLs to github.com's", () => {
    expect(() => readRunnerEnv({})).toThrow(/GITHUB_EVENT_NAME.*GITHUB_EVENT_PATH.*GITHUB_REPOSITORY/);
    expect(readRunnerEnv({ GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: "/e.json", GITHUB_REPOSITORY: "o/r" })).toMatchObject({
      GITHUB_API_URL: "https://api.github.com",
      GITHUB_SERVER_URL: "https://github.com",
    });
  });
});
