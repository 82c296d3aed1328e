import pino from "pino";
import { describe, expect, it } from "vitest";
import type { LatestPushes } from "../../../src/queue/latest-pushed-head.js";
import type { PauseStore } from "../../../src/queue/pause-store.js";
import type { ReviewJobData } from "../../../src/queue/review-job.js";
import { diffAtHead, noteRepoConfig, readDiffEarly, type EarlyDiff } from "../../../src/worker/read-diff-early.js";

const log = pino({ level: "silent" });
const HEAD = "a".repeat(40);
const BASE = "c".repeat(40);

let nextRepo = 1;
const job = (overrides: Partial<Omit<ReviewJobData, "pullNumber">> = {}): ReviewJobData & { pullNumber: number } => ({
  kind: "review",
  installationId: 1,
  owner: "octo-org",
  repo: `repo-${nextRepo++}`,
  pullNumber: 7,
  deliveryId: "d-1",
  headSha: HEAD,
  baseSha: BASE,
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
  const early = await readDiffEarly(reviewJob, { pauses: pauses(false), latestPushes: pushes(null), firstAttempt: true, log, ...services }, async (pin) => {
    reads++;
    expect(pin).toEqual({ baseSha: BASE, headSha: HEAD });
    return "diff";
  });
  return { reads, diff: early ? await early.diff : null };
}

describe("readDiffEarly", () => {
  it("reads the diff of a first attempt at an automatic review of a non-draft, unpaused, newest push", async () => {
    expect(await decide(job())).toEqual({ reads: 1, diff: "diff" });
    expect(await decide(job({ trigger: "opened", mode: "full" }))).toEqual({ reads: 1, diff: "diff" });
  });

  it("reads it for a Re-run, whatever the draft state", async () => {
    expect((await decide(job({ trigger: "rerun", draft: undefined }))).reads).toBe(1);
  });

  it.each([
    ["the event said draft", job({ draft: true }), {}],
    ["the draft state is unknown (an older job)", job({ draft: undefined }), {}],
    ["automatic reviews are paused", job(), { pauses: pauses(true) }],
    ["a later push was delivered", job(), { latestPushes: pushes("b".repeat(40)) }],
    ["Redis cannot say", job(), { pauses: pauses(new Error("connection lost")) }],
    ["a retry (its review may be posted already)", job(), { firstAttempt: false }],
    // Nothing to pin the read to: a read by PR number may answer with another push's diff.
    ["a command (it names no head)", job({ trigger: "command", headSha: null, commentId: 5, requestedBy: "mia", draft: undefined }), {}],
    ["the event named no base (an older job, a Re-run from a fork)", job({ baseSha: undefined }), {}],
  ] as const)("does not read it when %s", async (_name, reviewJob, services) => {
    expect(await decide(reviewJob, services)).toEqual({ reads: 0, diff: null });
  });

  it("stops reading early in a repository whose config turned that kind of review off, until it turns it on", async () => {
    const manual = job();
    noteRepoConfig(manual, { enabled: true, auto_review: false });
    expect((await decide({ ...manual })).reads).toBe(0);
    // A person's Re-run is still reviewed there, so it still reads early.
    expect((await decide({ ...manual, trigger: "rerun" })).reads).toBe(1);
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

describe("diffAtHead", () => {
  const early = (diff: Promise<string>): EarlyDiff<string> => {
    diff.catch(() => undefined);
    return { pin: { baseSha: BASE, headSha: HEAD }, diff };
  };
  /** The context's head and the base branch's tip now. */
  const pr = (head: string, baseTip: string | null = BASE) => ({ headSha: head, baseTipSha: baseTip });
  /** The read after the context: what it returns, and what it was told. */
  const reads: unknown[] = [];
  const read = async (earlyError?: unknown) => {
    reads.push(earlyError);
    return "read after the context";
  };

  it("uses the early diff when the context shows the head it was read at and the base branch still at its base", async () => {
    reads.length = 0;
    expect(await diffAtHead(early(Promise.resolve("pinned")), pr(HEAD), read, log)).toBe("pinned");
    expect(reads).toEqual([]);
  });

  it.each([
    ["another head", pr("b".repeat(40))],
    // The event's base sha may be the one GitHub recorded, behind the branch: the PR's diff runs from the tip.
    ["the base branch at another commit (it moved, or the PR's base was changed)", pr(HEAD, "d".repeat(40))],
    ["no base branch (deleted)", pr(HEAD, null)],
  ])("reads the PR's diff when the context shows %s", async (_name, shown) => {
    reads.length = 0;
    expect(await diffAtHead(early(Promise.resolve("pinned")), shown, read, log)).toBe("read after the context");
    expect(reads).toEqual([undefined]);
  });

  it("reads the PR's diff when the early read failed, telling why", async () => {
    reads.length = 0;
    const failure = new Error("404: head not stored yet");
    expect(await diffAtHead(early(Promise.reject(failure)), pr(HEAD), read, log)).toBe("read after the context");
    expect(reads).toEqual([failure]);
    expect(await diffAtHead(null, pr(HEAD), read, log)).toBe("read after the context");
  });
});
