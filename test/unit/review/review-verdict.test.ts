import { describe, expect, it } from "vitest";
import type { FindingState } from "../../../src/review/pull-findings.js";
import type { CheckFailOn } from "../../../src/review/review-settings.js";
import { judgePullRequest } from "../../../src/review/review-verdict.js";
import type { Severity } from "../../../src/review/types.js";
import { pullFinding } from "../../support/pull-finding.js";

const findings = (...specs: Array<`${Severity}:${FindingState}`>) =>
  specs.map((spec) => {
    const [severity, state] = spec.split(":") as [Severity, FindingState];
    return pullFinding({ severity, state });
  });

describe("judgePullRequest", () => {
  it.each<[string, ReturnType<typeof findings>, CheckFailOn, string]>([
    ["no findings, never", findings(), "never", "success"],
    ["no findings, P1", findings(), "P1", "success"],
    ["no findings, P0", findings(), "P0", "success"],
    ["only P2/P3 open, P1", findings("P2:open", "P3:open"), "P1", "success"],
    ["an open P1, never", findings("P1:open"), "never", "neutral"],
    ["an open P1, P1", findings("P1:open"), "P1", "failure"],
    ["an open P1, P0", findings("P1:open"), "P0", "neutral"],
    ["an open P0, never", findings("P0:open"), "never", "neutral"],
    ["an open P0, P1", findings("P0:open"), "P1", "failure"],
    ["an open P0, P0", findings("P0:open"), "P0", "failure"],
    ["a fixed P0 and a dismissed P1, P1", findings("P0:fixed", "P1:dismissed"), "P1", "success"],
    ["a fixed P1 and an open P1 from an earlier review, P1", findings("P1:fixed", "P1:open"), "P1", "failure"],
    ["a fixed P0 and an open P2, P0", findings("P0:fixed", "P2:open"), "P0", "success"],
  ])("%s -> %s", (_name, list, failOn, verdict) => {
    expect(judgePullRequest(list, failOn).verdict).toBe(verdict);
  });

  it("is never green when part of the head was not reviewed, and still fails on a blocking finding", () => {
    expect(judgePullRequest([], "never", true).verdict).toBe("neutral");
    expect(judgePullRequest(findings("P0:open"), "P0", true).verdict).toBe("failure");
  });

  it("counts the open findings by severity, fixed and dismissed left out", () => {
    expect(judgePullRequest(findings("P0:open", "P1:open", "P1:open", "P1:fixed", "P2:dismissed", "P3:open"), "never").open).toEqual({ P0: 1, P1: 2, P2: 0, P3: 1 });
  });
});
