import type { PullFinding } from "../../src/review/pull-findings.js";

let next = 0;

/** A finding of the PR as the thread lifecycle reports it; fields not given get plain defaults. */
export function pullFinding(overrides: Partial<PullFinding> = {}): PullFinding {
  next++;
  return {
    fingerprint: next.toString(16).padStart(10, "0"),
    severity: "P1",
    title: `Finding ${next}`,
    path: "src/app.ts",
    line: 10 + next,
    state: "open",
    raisedOn: "a".repeat(40),
    fixedIn: null,
    url: `https://github.com/o/r/pull/1#discussion_r${1000 + next}`,
    threadId: null,
    ...overrides,
  };
}
