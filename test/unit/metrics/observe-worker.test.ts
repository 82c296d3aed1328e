import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createAppMetrics } from "../../../src/metrics/app-metrics.js";
import { instrumentGithubClient, type HookableOctokit } from "../../../src/metrics/instrument-github-client.js";
import { instrumentResponsesClient } from "../../../src/metrics/instrument-responses-client.js";
import { observeWorker } from "../../../src/metrics/observe-worker.js";
import { AimlApiError } from "../../../src/llm/aimlapi-error.js";
import type { ResponsesResult } from "../../../src/llm/responses-client.js";

const value = async (metrics: ReturnType<typeof createAppMetrics>, name: string, labels: Record<string, string> = {}) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
  return values
    .filter((entry) => (entry.metricName ?? name) === name && Object.entries(labels).every(([k, v]) => entry.labels[k] === v))
    .reduce((total, entry) => total + entry.value, 0);
};

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };
const samplesOf = async (metrics: ReturnType<typeof createAppMetrics>, name: string) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values as Sample[];

describe("observeWorker", () => {
  it("counts posted comments and body fallbacks from a completed job's outcome", async () => {
    const metrics = createAppMetrics(new Registry());
    const worker = new EventEmitter();
    observeWorker(worker as never, metrics);
    worker.emit("completed", { processedOn: 1_000, finishedOn: 4_500 }, { status: "posted", comments: 3, bodyOnlyFindings: 2 });
    worker.emit("completed", { processedOn: 1_000, finishedOn: 1_200 }, { status: "skipped", reason: "draft" });
    expect(await value(metrics, "codex_review_review_comments_posted_total")).toBe(3);
    expect(await value(metrics, "codex_review_anchor_fallbacks_total")).toBe(2);
    expect(await value(metrics, "codex_review_jobs_finished_total", { outcome: "posted" })).toBe(1);
    expect(await value(metrics, "codex_review_jobs_finished_total", { outcome: "skipped" })).toBe(1);
    const histogram = await samplesOf(metrics, "codex_review_review_duration_seconds");
    expect(histogram.find((entry) => entry.metricName === "codex_review_review_duration_seconds_sum" && entry.labels.outcome === "posted")?.value).toBe(3.5);
  });

  it("counts the model's tool calls of a posted review by tool and outcome", async () => {
    const metrics = createAppMetrics(new Registry());
    const worker = new EventEmitter();
    observeWorker(worker as never, metrics);
    const toolUse = { calls: { read_file: { ok: 2, missing: 1 }, search_code: { ok: 1 } }, filesRead: ["a.ts"], outputTokens: 10, followUpInputTokens: 20, modelCalls: 3, refusedChunks: 0 };
    worker.emit("completed", { processedOn: 1_000, finishedOn: 2_000 }, { status: "posted", comments: 0, bodyOnlyFindings: 0, toolUse });
    worker.emit("completed", { processedOn: 1_000, finishedOn: 2_000 }, { status: "posted", comments: 0, bodyOnlyFindings: 0, toolUse });
    expect(await value(metrics, "codex_review_model_tool_calls_total", { tool: "read_file", outcome: "ok" })).toBe(4);
    expect(await value(metrics, "codex_review_model_tool_calls_total", { tool: "read_file", outcome: "missing" })).toBe(2);
    expect(await value(metrics, "codex_review_model_tool_calls_total", { tool: "search_code" })).toBe(2);
  });

  it("tells a retried failure from a final one", async () => {
    const metrics = createAppMetrics(new Registry());
    const worker = new EventEmitter();
    observeWorker(worker as never, metrics);
    worker.emit("failed", { processedOn: Date.now(), finishedOn: undefined }, new Error("503"));
    worker.emit("failed", { processedOn: 1_000, finishedOn: 2_000 }, new Error("404"));
    expect(await value(metrics, "codex_review_jobs_finished_total", { outcome: "retrying" })).toBe(1);
    expect(await value(metrics, "codex_review_jobs_finished_total", { outcome: "failed" })).toBe(1);
  });
});

describe("instrumentGithubClient", () => {
  it("counts answers and errors by method, route template and status, and rethrows errors", async () => {
    const metrics = createAppMetrics(new Registry());
    const hooks: { after?: (r: { status: number }, o: object) => void; error?: (e: unknown, o: object) => unknown } = {};
    const octokit: HookableOctokit = { hook: { after: (_n, hook) => void (hooks.after = hook), error: (_n, hook) => void (hooks.error = hook) } };
    instrumentGithubClient(octokit, metrics);
    hooks.after!({ status: 200 }, { method: "GET", url: "/repos/{owner}/{repo}/pulls/{pull_number}" });
    const failure = Object.assign(new Error("Not Found"), { status: 404 });
    expect(() => hooks.error!(failure, { method: "GET", url: "/repos/o/r/pulls/12" })).toThrow("Not Found");
    expect(await value(metrics, "codex_review_github_api_requests_total", { route: "/repos/{owner}/{repo}/pulls/{pull_number}", status: "200" })).toBe(1);
    expect(await value(metrics, "codex_review_github_api_requests_total", { route: "/repos/o/r/pulls/:n", status: "404" })).toBe(1);
  });
});

describe("instrumentResponsesClient", () => {
  it("times each call and counts billed tokens and dollars, failed calls' too; an error is labelled by its status", async () => {
    const metrics = createAppMetrics(new Registry());
    const result = { usage: { inputTokens: 120, outputTokens: 30, usdSpent: 0.0005 } } as ResponsesResult;
    const failures = [
      new AimlApiError({ kind: "http", status: 429, apiMessage: "slow down", requestId: null, retryAfterMs: null, retryable: true }),
      new AimlApiError({
        kind: "response_failed",
        status: 200,
        apiMessage: "server_error: the model crashed",
        requestId: null,
        retryAfterMs: null,
        retryable: true,
        usage: { inputTokens: 100, outputTokens: 7, usdSpent: 0.0002 },
      }),
    ];
    let failure: AimlApiError | undefined;
    const client = instrumentResponsesClient(
      {
        create: async () => {
          if (failure) throw failure;
          return result;
        },
      },
      metrics,
    );
    await client.create({} as never);
    failure = failures[0];
    await expect(client.create({} as never)).rejects.toThrow("429");
    failure = failures[1];
    await expect(client.create({} as never)).rejects.toThrow("server_error");
    expect(await value(metrics, "codex_review_model_tokens_total", { direction: "input" })).toBe(220);
    expect(await value(metrics, "codex_review_model_tokens_total", { direction: "output" })).toBe(37);
    expect(await value(metrics, "codex_review_model_usd_spent_total", {})).toBeCloseTo(0.0007, 10);
    const latency = await samplesOf(metrics, "codex_review_model_request_duration_seconds");
    const count = (result: string) => latency.find((e) => e.metricName === "codex_review_model_request_duration_seconds_count" && e.labels.result === result)?.value;
    expect(count("ok")).toBe(1);
    expect(count("429")).toBe(1);
  });
});
