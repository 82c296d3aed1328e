import pino from "pino";
import { describe, expect, it } from "vitest";
import type { LatestPushes } from "../../../src/queue/latest-pushed-head.js";
import type { PauseStore } from "../../../src/queue/pause-store.js";
import type { ReviewJobData } from "../../../src/queue/review-job.js";
import { noteRepoConfig, readDiffEarly } from "../../../src/worker/read-diff-early.js";

const log = pino({ level: "silent" });
const HEAD = "a".repeat(40);

let nextRepo = 1;
const job = (overrides: Partial<Omit<ReviewJobData, "pullNumber">> = {}): ReviewJobData & { pullNumber: number } => ({
  kind: "review",
  installationId: 1,
  owner: "octo-org",
  repo: `repo-${nextRepo++}`,
  pullNumber: 7,
  deliveryId: "d-1",
  headSha: HEAD,
  trigger: "synchronize",
  mode: "incremental",
  commentId: null,
  requestedBy: null,
  draft: false,
  ...overrides,
});

const pauses = (paused: boolean | Error): PauseStore => ({
  isPaused: async () => {
    if (paused instanceof Error) throw paused;
    return paused;
  },
  setPaused: async () => undefined,
});
const pushes = (newer: string | null | "untracked"): LatestPushes => ({ newerHead: async () => newer });

/** Whether the read started, and what the decision resolved to. */
async function decide(reviewJob: ReviewJobData & { pullNumber: number }, services: Partial<Parameters<typeof readDiffEarly>[1]> = {}) {
  let reads = 0;
  const early = await readDiffEarly(reviewJob, { pauses: pauses(false), latestPushes: pushes(null), firstAttempt: true, log, ...services }, async () => {
    reads++;
    return "diff";
  });
  return { reads, diff: early ? await early.diff : null };
}

describe("readDiffEarly", () => {
  it("reads the diff of a first attempt at an automatic review of a non-draft, unpaused, newest push", async () => {
    expect(await decide(job())).toEqual({ reads: 1, diff: "diff" });
    expect(await decide(job({ trigger: "opened", mode: "full" }))).toEqual({ reads: 1, diff: "diff" });
  });

  it("reads it for a person's request (command, Re-run), whatever the draft state", async () => {
    expect((await decide(job({ trigger: "command", headSha: null, commentId: 5, requestedBy: "mia", draft: undefined }))).reads).toBe(1);
    expect((await decide(job({ trigger: "rerun", draft: undefined }))).reads).toBe(1);
  });

  it.each([
    ["the event said draft", job({ draft: true }), {}],
    ["the draft state is unknown (an older job)", job({ draft: undefined }), {}],
    ["automatic reviews are paused", job(), { pauses: pauses(true) }],
    ["a later push was delivered", job(), { latestPushes: pushes("b".repeat(40)) }],
    ["Redis cannot say", job(), { pauses: pauses(new Error("connection lost")) }],
    ["a retry (its review may be posted already)", job(), { firstAttempt: false }],
  ] as const)("does not read it when %s", async (_name, reviewJob, services) => {
    expect(await decide(reviewJob, services)).toEqual({ reads: 0, diff: null });
  });

  it("stops reading early in a repository whose config turned that kind of review off, until it turns it on", async () => {
    const manual = job();
    noteRepoConfig(manual, { enabled: true, auto_review: false });
    expect((await decide({ ...manual })).reads).toBe(0);
    // A person's request is still reviewed there, so it still reads early.
    expect((await decide({ ...manual, trigger: "command", commentId: 5, requestedBy: "mia" })).reads).toBe(1);
    noteRepoConfig({ owner: manual.owner.toUpperCase(), repo: manual.repo }, { enabled: true, auto_review: true });
    expect((await decide({ ...manual })).reads).toBe(1);

    const disabled = job();
    noteRepoConfig(disabled, { enabled: false, auto_review: true });
    expect((await decide({ ...disabled })).reads).toBe(0);
    expect((await decide({ ...disabled, trigger: "rerun" })).reads).toBe(0);
  });

  it("never rejects: a failed read is reported where the diff is awaited", async () => {
    const early = await readDiffEarly(job(), { pauses: pauses(false), firstAttempt: true, log }, () => Promise.reject(new Error("502")));
    await expect(early!.diff).rejects.toThrow("502");
  });
});
