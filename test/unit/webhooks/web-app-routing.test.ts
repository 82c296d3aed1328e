import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { WebhookOnlyOctokit } from "../../../src/process/webhook-only-octokit.js";
import { Registry } from "prom-client";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import { createAppMetrics } from "../../../src/metrics/app-metrics.js";
import { createOperationsApp, deliveryCounter } from "../../../src/ops/operations-app.js";
import type { IngestRequest } from "../../../src/queue/ingest-delivery.js";
import { generateAppPrivateKey } from "../../support/app-process.js";
import { checkRunRerequestedPayload, examplePayload, prCommentPayload, pullRequestPayload, reviewReplyPayload } from "../../support/webhook-payloads.js";

const target = { owner: "octo-org", repo: "routing", number: 7, headSha: "a".repeat(40), installationId: 42 };
const metrics = createAppMetrics(new Registry());
const ingested: IngestRequest[] = [];
let octokits = 0;
/** Set: the queue's Redis is down, ingest throws. */
let ingestFailure: Error | null = null;
let probot: Probot;

/** The web process's Octokit, counted: Probot's transform asks it for an event client once per matching handler of a delivery. */
class CountedOctokit extends WebhookOnlyOctokit {
  constructor(...args: ConstructorParameters<typeof ProbotOctokit>) {
    super(...args);
    octokits += 1;
  }
}

beforeAll(async () => {
  probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), secret: "routing", Octokit: CountedOctokit as typeof ProbotOctokit, log: pino({ level: "silent" }) });
  const ingest = {
    ingest: async (request: IngestRequest) => {
      if (ingestFailure) throw ingestFailure;
      ingested.push(request);
      return { outcome: "queued" as const, jobId: "job", superseded: null };
    },
  };
  // Loaded as startWeb loads them: the review app, then the operations app beside it.
  await probot.load(createApp({ ingest, appSlug: "codex-review", countDelivery: deliveryCounter(metrics) }));
  const queue = { name: "routing", getJobCounts: async () => ({}) };
  await probot.load(createOperationsApp({ metrics, queue: queue as never, redis: {} as never, dashboard: null }), { cwd: process.cwd(), addHandler: () => undefined });
});
beforeEach(() => {
  ingested.length = 0;
  octokits = 0;
  ingestFailure = null;
});

const receive = (name: string, payload: unknown) => probot.receive({ id: crypto.randomUUID(), name, payload } as never);
const counted = async (event: string, action: string) => (await metrics.deliveries.get()).values.find((v) => v.labels.event === event && v.labels.action === action)?.value ?? 0;

describe("the web app's one handler", () => {
  it("builds no installation client per delivery, counts it once and queues its job", async () => {
    const before = await counted("pull_request", "synchronize");
    await receive("pull_request", pullRequestPayload("synchronize", target));
    expect(octokits).toBe(0);
    expect(await counted("pull_request", "synchronize")).toBe(before + 1);
    expect(ingested.map(({ job }) => [job.kind, job.kind === "review" ? job.trigger : null])).toEqual([["review", "synchronize"]]);
  });

  it("routes each event it acts on to its job, and only counts the others", async () => {
    await receive("pull_request", pullRequestPayload("opened", target));
    await receive("pull_request", pullRequestPayload("ready_for_review", target));
    await receive("issue_comment", prCommentPayload(target, { id: 11, body: "/codex review", login: "mona", association: "MEMBER" }));
    await receive("pull_request_review_comment", reviewReplyPayload(target, { id: 12, inReplyTo: 10, body: "@codex-review why?", login: "mona" }));
    await receive("check_run", checkRunRerequestedPayload(target));
    await receive("pull_request", pullRequestPayload("closed", target));
    await receive("installation", examplePayload("installation", "created"));
    expect(octokits).toBe(0);
    expect(ingested.map(({ job }) => job.kind)).toEqual(["review", "review", "review", "reply", "review"]);
    expect(await counted("installation", "created")).toBe(1);
    expect(await counted("pull_request", "closed")).toBe(1);
  });

  it("counts a delivery whose job cannot be queued, answers it 503, and routes the next one", async () => {
    const before = await counted("pull_request", "reopened");
    ingestFailure = new Error("connect ECONNREFUSED 127.0.0.1:6379");
    const failed = await receive("pull_request", pullRequestPayload("reopened", target)).then(
      () => null,
      (error: unknown) => error as AggregateError,
    );
    // Probot's middleware answers with the status of the handler's error: 503, so GitHub marks it failed.
    expect(failed?.errors.map((error: { status?: number }) => error.status)).toEqual([503]);
    expect(await counted("pull_request", "reopened")).toBe(before + 1);

    ingestFailure = null;
    await receive("pull_request", pullRequestPayload("reopened", target));
    expect(await counted("pull_request", "reopened")).toBe(before + 2);
    expect(ingested.map(({ job }) => [job.kind, job.kind === "review" ? job.trigger : null])).toEqual([["review", "reopened"]]);
  });

  it("counts deliveries that carry no action (ping, push) under an empty action, and queues nothing", async () => {
    const before = { ping: await counted("ping", ""), push: await counted("push", "") };
    // Real payloads of events without `action` (@octokit/webhooks-examples).
    await receive("ping", examplePayload("ping", undefined as unknown as string));
    await receive("push", examplePayload("push", undefined as unknown as string));
    expect(await counted("ping", "")).toBe(before.ping + 1);
    expect(await counted("push", "")).toBe(before.push + 1);
    expect(ingested).toEqual([]);
  });

  it("queues nothing for the other actions of the events app.yml subscribes to, and counts each", async () => {
    const others: Array<[string, string]> = [
      ["check_run", "requested_action"],
      ["check_run", "completed"],
      ["installation", "deleted"],
      ["installation_repositories", "added"],
      ["installation_repositories", "removed"],
      ["issue_comment", "edited"],
      ["pull_request_review_comment", "edited"],
    ];
    const before = await Promise.all(others.map(([event, action]) => counted(event, action)));
    for (const [event, action] of others) await receive(event, examplePayload(event, action));
    expect(await Promise.all(others.map(([event, action]) => counted(event, action)))).toEqual(before.map((count) => count + 1));
    expect(ingested).toEqual([]);
  });
});
