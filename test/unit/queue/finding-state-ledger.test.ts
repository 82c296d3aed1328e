import { describe, expect, it } from "vitest";
import { createFindingStateLedger } from "../../../src/queue/finding-state-ledger.js";
import { pullFinding } from "../../support/pull-finding.js";
import { useScratchRedis } from "../../support/scratch-redis.js";

const scratch = useScratchRedis("finding-ledger");
const pull = { owner: "octo-org", repo: "ledger", pullNumber: 1 };

describe("createFindingStateLedger", () => {
  it("counts each transition once, however often the same states are seen again", async () => {
    const ledger = createFindingStateLedger(scratch.redis(), scratch.namespace);
    const p1 = pullFinding({ severity: "P1" });
    const p2 = pullFinding({ severity: "P2" });
    expect(await ledger.record(pull, [p1, p2])).toEqual({ "P1:open": 1, "P2:open": 1 });
    // A retry, a redelivery, a second worker: the same states count nothing.
    expect(await ledger.record(pull, [p1, p2])).toEqual({});
    expect(await ledger.record(pull, [{ ...p1, state: "fixed" }, { ...p2, state: "dismissed" }])).toEqual({ "P1:fixed": 1, "P2:dismissed": 1 });
    expect(await ledger.record(pull, [{ ...p1, state: "fixed" }, { ...p2, state: "dismissed" }])).toEqual({});
  });

  it("counts a finding first seen already fixed as raised too, and keeps PRs apart", async () => {
    const ledger = createFindingStateLedger(scratch.redis(), scratch.namespace);
    const p0 = pullFinding({ severity: "P0", state: "fixed" });
    expect(await ledger.record({ ...pull, pullNumber: 2 }, [p0])).toEqual({ "P0:open": 1, "P0:fixed": 1 });
    expect(await ledger.record({ ...pull, pullNumber: 3 }, [p0])).toEqual({ "P0:open": 1, "P0:fixed": 1 });
    expect(await ledger.record({ ...pull, pullNumber: 3 }, [])).toEqual({});
  });
});
