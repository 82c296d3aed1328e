import { describe, expect, it } from "vitest";
import { checkReadiness } from "../../../src/ops/readiness.js";

const counts = async () => ({ waiting: 0 });

describe("checkReadiness", () => {
  it("is ready when Redis answers PONG and the queue answers", async () => {
    expect(await checkReadiness({ redis: { status: "ready", ping: async () => "PONG" }, queue: { getJobCounts: counts } })).toEqual({
      ready: true,
      checks: { redis: "ok", queue: "ok" },
    });
  });

  it("fails at once, without a command, while the connection is down", async () => {
    let pinged = false;
    const result = await checkReadiness({
      redis: { status: "reconnecting", ping: async () => ((pinged = true), "PONG") },
      queue: { getJobCounts: counts },
    });
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual({ redis: "connection reconnecting", queue: "not checked: Redis is not ready" });
    expect(pinged).toBe(false);
  });

  it("times out a PING that never answers", async () => {
    const started = Date.now();
    const result = await checkReadiness({ redis: { status: "ready", ping: () => new Promise<string>(() => undefined) }, timeoutMs: 50 });
    expect(result).toEqual({ ready: false, checks: { redis: "Redis PING did not answer within 50 ms" } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("is not ready when the queue cannot be read", async () => {
    const result = await checkReadiness({
      redis: { status: "ready", ping: async () => "PONG" },
      queue: { getJobCounts: async () => Promise.reject(new Error("NOSCRIPT")) },
    });
    expect(result).toEqual({ ready: false, checks: { redis: "ok", queue: "NOSCRIPT" } });
  });
});
