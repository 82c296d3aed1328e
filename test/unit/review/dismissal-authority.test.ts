import { describe, expect, it } from "vitest";
import { NO_WRITERS, type DismissalAuthority } from "../../../src/review/dismissal-authority.js";
import { renderFindingMarker, renderFixedMarker } from "../../../src/review/finding-marker.js";
import type { ReviewThread, ThreadComment } from "../../../src/review/review-thread.js";
import { selectFixCandidates } from "../../../src/review/select-fix-candidates.js";
import { classifyThreads, commentsNeedingReactors, loginsToAuthorise, toPullFindings, withThumbsDownReactors } from "../../../src/review/thread-findings.js";

/*
 * Only people with write access dismiss a finding. On a public repository anyone can react, reply, and
 * (as the PR's author) resolve the conversation: none of it may turn a `check.fail_on` gate green.
 */

const HEAD1 = "1111111111111111111111111111111111111111";
const HEAD2 = "2222222222222222222222222222222222222222";
const FP = "0123456789";

const comment = (extra: Partial<ThreadComment>): ThreadComment => ({
  id: 1,
  nodeId: "PRRC_1",
  body: "",
  url: null,
  author: null,
  fromApp: false,
  fromPerson: true,
  association: "NONE",
  thumbsDown: 0,
  thumbsDownBy: [],
  ...extra,
});
const root = (thumbsDownBy: string[] = []) =>
  comment({
    body: `**P1** · should fix · **Null dereference**\n\nBody\n\n${renderFindingMarker({ fingerprint: FP, severity: "P1", headSha: HEAD1 })}`,
    author: "codex-review[bot]",
    fromApp: true,
    fromPerson: false,
    thumbsDown: thumbsDownBy.length,
    thumbsDownBy,
  });
const reply = (author: string, association: string, body = "Won't fix: this is fine.") => comment({ id: 2, author, association, body });
const thread = (comments: ThreadComment[], extra: Partial<ReviewThread> = {}): ReviewThread => ({
  id: "PRRT_1",
  isResolved: false,
  isOutdated: false,
  path: "src/a.ts",
  line: 10,
  originalLine: 10,
  resolvedBy: null,
  comments,
  ...extra,
});

/** `maintainer-mia` has write access; `fork-fred` (the PR's author, from a fork) and `reader-rita` (a read-only collaborator) do not. */
const AUTHORITY: DismissalAuthority = { writers: new Set(["maintainer-mia"]) };
const stateOf = (input: ReviewThread, authority = AUTHORITY) => classifyThreads([input], HEAD2, authority)[0]!.state;

describe("who dismisses a finding", () => {
  it.each<[string, ReviewThread, "open" | "dismissed"]>([
    ["a 👎 by the PR's author", thread([root(["fork-fred"])]), "open"],
    ["a 👎 by a read-only collaborator", thread([root(["reader-rita"])]), "open"],
    ["a 👎 by a writer among others'", thread([root(["fork-fred", "Maintainer-Mia"])]), "dismissed"],
    ["a `won't fix` by the PR's author (CONTRIBUTOR)", thread([root(), reply("fork-fred", "CONTRIBUTOR")]), "open"],
    ["a `won't fix` by someone with no association, even if they could write", thread([root(), reply("maintainer-mia", "NONE")]), "open"],
    ["a `won't fix` by a read-only collaborator", thread([root(), reply("reader-rita", "COLLABORATOR")]), "open"],
    ["a `won't fix` by a writer", thread([root(), reply("maintainer-mia", "COLLABORATOR")]), "dismissed"],
    ["a `won't fix` by the owner", thread([root(), reply("maintainer-mia", "OWNER")]), "dismissed"],
    ["a writer's reply that dismisses nothing", thread([root(), reply("maintainer-mia", "MEMBER", "Good catch, fixing")]), "open"],
    ["a resolution by the PR's author", thread([root()], { isResolved: true, resolvedBy: "fork-fred" }), "open"],
    ["a resolution by a writer", thread([root()], { isResolved: true, resolvedBy: "maintainer-mia" }), "dismissed"],
    ["our own resolution (`/codex resolve`: resolvedBy is a User, null for an App)", thread([root()], { isResolved: true, resolvedBy: null }), "dismissed"],
  ])("%s: %s", (_label, input, expected) => {
    expect(stateOf(input)).toBe(expected);
  });

  it("dismisses nothing people did when nobody is confirmed a writer", () => {
    const input = thread([root(["maintainer-mia"]), reply("maintainer-mia", "OWNER")], { isResolved: true, resolvedBy: "maintainer-mia" });
    expect(stateOf(input, NO_WRITERS)).toBe("open");
    expect(stateOf(input)).toBe("dismissed");
  });

  it("keeps a finding a non-writer resolved open for the check run and the summary, and out of the fix check", () => {
    const own = classifyThreads([thread([root()], { isResolved: true, resolvedBy: "fork-fred", isOutdated: true, line: null })], HEAD2, AUTHORITY);
    expect(toPullFindings(own)).toEqual([expect.objectContaining({ fingerprint: FP, severity: "P1", state: "open" })]);
    // Outdated and in a file the push changed: an open thread would be checked; this one is neither replied to nor resolved again.
    expect(selectFixCandidates({ threads: own, headSha: HEAD2, lastReviewedHead: HEAD1, newChanges: null })).toEqual([]);
    expect(selectFixCandidates({ threads: classifyThreads([thread([root()], { isOutdated: true, line: null })], HEAD2, AUTHORITY), headSha: HEAD2, lastReviewedHead: HEAD1, newChanges: null })).toHaveLength(1);
  });

  it("still counts our fix reply in a thread a non-writer resolved as fixed", () => {
    const fixed = comment({ id: 3, author: "codex-review[bot]", fromApp: true, fromPerson: false, body: renderFixedMarker({ fingerprint: FP, headSha: HEAD2 }) });
    expect(stateOf(thread([root(), fixed], { isResolved: true, resolvedBy: "fork-fred" }), NO_WRITERS)).toBe("fixed");
  });
});

describe("loginsToAuthorise", () => {
  it("asks about nobody on a PR where nobody gave a 👎, resolved or dismissed", () => {
    expect(loginsToAuthorise([thread([root(), reply("fork-fred", "CONTRIBUTOR", "Good catch")]), thread([root()], { isResolved: true, resolvedBy: null })])).toEqual([]);
  });

  it("asks once per person about 👎s, resolutions and dismissing replies from associations that can write, across threads", () => {
    const threads = [
      thread([root(["Reader-Rita", "fork-fred"]), reply("reader-rita", "COLLABORATOR"), reply("fork-fred", "CONTRIBUTOR")], { isResolved: true, resolvedBy: "fork-fred" }),
      thread([root(["maintainer-mia"]), reply("maintainer-mia", "MEMBER", "ignore: generated")], { id: "PRRT_2" }),
    ];
    expect(loginsToAuthorise(threads).sort()).toEqual(["fork-fred", "maintainer-mia", "reader-rita"]);
  });

  it("leaves out threads that are not ours and threads we resolved as fixed", () => {
    const fixed = comment({ id: 3, author: "codex-review[bot]", fromApp: true, fromPerson: false, body: renderFixedMarker({ fingerprint: FP, headSha: HEAD2 }) });
    const personThread = thread([reply("fork-fred", "CONTRIBUTOR", "my own thread"), reply("maintainer-mia", "OWNER")], { isResolved: true, resolvedBy: "someone" });
    expect(loginsToAuthorise([thread([root(["fork-fred"]), fixed], { isResolved: true, resolvedBy: null }), personThread])).toEqual([]);
  });
});

describe("who gave the 👎s", () => {
  const thumbed = (count: number) => ({ ...root(), thumbsDown: count });
  it("is read only for our findings' opening comments that have one, and filled in before classifying", () => {
    const fixed = comment({ id: 3, author: "codex-review[bot]", fromApp: true, fromPerson: false, body: renderFixedMarker({ fingerprint: FP, headSha: HEAD2 }) });
    const threads = [
      thread([{ ...thumbed(2), nodeId: "PRRC_a" }], { id: "PRRT_a" }),
      thread([{ ...thumbed(0), nodeId: "PRRC_b" }], { id: "PRRT_b" }),
      thread([{ ...thumbed(1), nodeId: "PRRC_c" }, fixed], { id: "PRRT_c", isResolved: true }),
    ];
    expect(commentsNeedingReactors(threads)).toEqual(["PRRC_a"]);
    expect(commentsNeedingReactors([thread([root()])])).toEqual([]);
    const filled = withThumbsDownReactors(threads, new Map([["PRRC_a", ["fork-fred", "maintainer-mia"]]]));
    expect(filled.map((entry) => entry.comments[0]!.thumbsDownBy)).toEqual([["fork-fred", "maintainer-mia"], [], []]);
    expect(classifyThreads(filled, HEAD2, AUTHORITY).map((own) => own.state)).toEqual(["dismissed", "open", "fixed"]);
    // A 👎 whose givers were not read dismisses nothing.
    expect(classifyThreads(threads, HEAD2, AUTHORITY)[0]!.state).toBe("open");
  });
});
