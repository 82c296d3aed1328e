import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { retry } from "@octokit/plugin-retry";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstallationOctokit } from "../../../src/process/installation-octokit.js";
import { requestRetries } from "../../../src/process/request-retries.js";
import { RetryLimiter } from "../../../src/process/retry-limiter.js";
import { githubFaults } from "../../fakes/github-faults.js";
import { generateAppPrivateKey } from "../../support/app-process.js";

/*
 * Our installation client replaces two Bottlenecks (plugin-retry's, built for every request, and the
 * throttling plugin's retry limiter) with code that keeps their decisions. Each scenario here runs through
 * Probot's own Octokit and through ours, and the two must send the same requests and end the same way.
 */

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | "drop";
/** Route -> answers still to give, in order; then 200 `{ id: 1 }`. */
const script = new Map<string, Answer[]>();
const received: string[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const route = `${request.method} ${request.url?.replace(/\?.*$/, "")}`;
    if (route.endsWith("/access_tokens")) {
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ token: "ghs_test", expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" }));
      return;
    }
    received.push(route);
    const answer = script.get(route)?.shift() ?? { status: 200, body: { id: 1 } };
    if (answer === "drop") {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let installation = 900_000;
/** plugin-retry's waits (1 s, 4 s, 9 s) at 1 ms per second. */
async function client(Octokit: typeof ProbotOctokit) {
  const Fast = Octokit.defaults({ retry: { retryAfterBaseValue: 1 } }) as typeof ProbotOctokit;
  const probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), baseUrl, Octokit: Fast, log: pino({ level: "silent" }) });
  const octokit = await probot.auth(installation++);
  octokit.hook.before("request", (options) => {
    options.request = { ...options.request };
  });
  return octokit;
}

interface Run {
  requests: string[];
  outcome: string;
  retryCounts: number[];
}

async function runBoth(setup: () => void, send: (octokit: Awaited<ReturnType<typeof client>>) => Promise<unknown>): Promise<{ probot: Run; ours: Run }> {
  const runs: Run[] = [];
  for (const Octokit of [ProbotOctokit, InstallationOctokit as unknown as typeof ProbotOctokit]) {
    const octokit = await client(Octokit);
    const retryCounts: number[] = [];
    octokit.hook.after("request", (_response, options) => {
      if (String(options.url).includes("/pulls/")) retryCounts.push(Number(options.request?.retryCount ?? 0));
    });
    script.clear();
    setup();
    received.length = 0;
    const outcome = await send(octokit).then(
      () => "ok",
      // An abort's status depends on whether the request was on the wire yet: only its name is compared.
      (error: { status?: number; name?: string }) => (error.name === "AbortError" ? error.name : `${error.name} ${error.status ?? ""}`.trim()),
    );
    runs.push({ requests: [...received], outcome, retryCounts });
  }
  return { probot: runs[0]!, ours: runs[1]! };
}

const pull = (octokit: Awaited<ReturnType<typeof client>>, request: Record<string, unknown> = {}) =>
  octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 1, request });
const GET_PULL = "GET /api/v3/repos/o/r/pulls/1";

describe("GitHub requests retried without Bottleneck", () => {
  it("carries requestRetries where Probot's Octokit carries plugin-retry, and no plugin-retry", () => {
    const at = ProbotOctokit.plugins.indexOf(retry);
    expect(at).toBeGreaterThan(-1);
    expect(InstallationOctokit.plugins).not.toContain(retry);
    expect(InstallationOctokit.plugins.indexOf(requestRetries as never)).toBe(at);
    expect(InstallationOctokit.plugins.filter((plugin) => plugin !== (requestRetries as never))).toEqual(ProbotOctokit.plugins.filter((plugin) => plugin !== retry).concat(InstallationOctokit.plugins.slice(ProbotOctokit.plugins.length)));
  });

  it("retries a 5xx as plugin-retry does, and tells the request which attempt it is", async () => {
    const { probot, ours } = await runBoth(
      () => script.set(GET_PULL, [{ status: 502 }, { status: 503 }]),
      (octokit) => pull(octokit),
    );
    expect(ours).toEqual(probot);
    expect(ours.requests).toEqual([GET_PULL, GET_PULL, GET_PULL]);
    expect(ours.outcome).toBe("ok");
    expect(ours.retryCounts).toEqual([2]);
  });

  it("gives up after three retries, and never retries what plugin-retry never retries", async () => {
    for (const [answers, expected] of [
      [[{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }], 4],
      [[{ status: 404, body: { message: "Not Found" } }], 1],
      [[{ status: 422, body: { message: "Validation Failed" } }], 1],
    ] as const) {
      const { probot, ours } = await runBoth(
        () => script.set(GET_PULL, [...answers]),
        (octokit) => pull(octokit),
      );
      expect(ours).toEqual(probot);
      expect(ours.requests).toHaveLength(expected);
      expect(ours.outcome).toBe(`HttpError ${answers[0].status}`);
    }
  });

  it("keeps a request's own `retries: 0`, and does not retry a request whose connection dropped past its retries", async () => {
    const noRetries = await runBoth(
      () => script.set(GET_PULL, [{ status: 502 }]),
      (octokit) => pull(octokit, { retries: 0 }),
    );
    expect(noRetries.ours).toEqual(noRetries.probot);
    expect(noRetries.ours.requests).toEqual([GET_PULL]);

    const dropped = await runBoth(
      () => script.set(GET_PULL, ["drop", "drop", "drop", "drop", "drop"]),
      (octokit) => pull(octokit),
    );
    expect(dropped.ours).toEqual(dropped.probot);
  });

  it("does not retry an aborted request", async () => {
    const { probot, ours } = await runBoth(
      () => script.set(GET_PULL, [{ status: 502 }]),
      async (octokit) => {
        const stop = new AbortController();
        const sent = pull(octokit, { signal: stop.signal });
        stop.abort();
        return sent;
      },
    );
    expect(ours).toEqual(probot);
    expect(ours.outcome).toBe("AbortError");
  });

  it("retries GitHub's 'Something went wrong' GraphQL answer as a 500", async () => {
    const GRAPHQL = "POST /api/v3/graphql";
    const { probot, ours } = await runBoth(
      () => script.set(GRAPHQL, [{ status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query. Please try again." }] } }]),
      (octokit) => octokit.request("POST /graphql", { query: "mutation { x }" }),
    );
    expect(ours).toEqual(probot);
    expect(ours.requests).toEqual([GRAPHQL, GRAPHQL]);
    expect(ours.outcome).toBe("ok");
  });

  it("waits out a secondary rate limit through the throttling plugin's retry limiter (Probot's own client gives up)", async () => {
    const CHECK_RUNS = "POST /api/v3/repos/o/r/check-runs";
    const fault = githubFaults.secondaryRateLimit(1);
    const { probot, ours } = await runBoth(
      () => script.set(CHECK_RUNS, [{ status: fault.status, body: fault.body, headers: fault.headers }]),
      (octokit) => octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "x", head_sha: "a".repeat(40) }),
    );
    expect(probot).toMatchObject({ requests: [CHECK_RUNS], outcome: "HttpError 403" });
    expect(ours).toMatchObject({ requests: [CHECK_RUNS, CHECK_RUNS], outcome: "ok" });
  });
});

describe("RetryLimiter (the throttling plugin's retry limiter)", () => {
  it("runs again after the wait the first answering listener gives, counting the runs, until none answers", async () => {
    const limiter = new RetryLimiter();
    const seen: Array<{ retryCount: number; args: unknown[] }> = [];
    limiter.on("failed", () => undefined);
    limiter.on("failed", (_error, info) => {
      const { retryCount, args } = info as { retryCount: number; args: unknown[] };
      seen.push({ retryCount, args });
      return retryCount < 2 ? 1 : null;
    });
    let runs = 0;
    const failing = async (word: string) => {
      runs++;
      throw new Error(word);
    };
    await expect(limiter.schedule(failing, "boom")).rejects.toThrow("boom");
    expect(runs).toBe(3);
    expect(seen).toEqual([
      { retryCount: 0, args: ["boom"] },
      { retryCount: 1, args: ["boom"] },
      { retryCount: 2, args: ["boom"] },
    ]);
  });

  it("counts a listener that throws as no answer, and reports it to the error listeners", async () => {
    const limiter = new RetryLimiter();
    const reported: unknown[] = [];
    limiter.on("failed", () => {
      throw new TypeError("listener broke");
    });
    limiter.on("error", (error) => reported.push(error));
    await expect(limiter.schedule({ priority: 1 }, async () => Promise.reject(new Error("request failed")))).rejects.toThrow("request failed");
    expect(reported).toEqual([new TypeError("listener broke")]);
    expect(await limiter.schedule(async (a: number, b: number) => a + b, 2, 3)).toBe(5);
  });
});
