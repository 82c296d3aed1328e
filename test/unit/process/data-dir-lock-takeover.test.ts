import { chmodSync, chownSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "../../../src/process/data-dir-lock.js";
import { startLockStarter } from "../../support/lock-starter.js";
import { lockLineOf, scratchPerTest, startTimeOf } from "../../support/scratch-per-test.js";

/** An unprivileged user, as containers and Debian name it. */
const NOBODY = 65534;

const scratch = scratchPerTest("codex-review-lock-takeover-");
const { track } = scratch;

/** A data folder any user may write to (the unprivileged starters share it). */
const folder = () => {
  const dir = scratch.folder();
  chmodSync(dir, 0o777);
  return dir;
};

const starter = (dir: string, startAt: number, uid?: number) => startLockStarter(dir, track, { startAt, uid });

/** A running start of this same program, as root. */
const runningApp = () => scratch.runningApp(60_000);


describe.runIf(process.platform === "linux")("lockDataDir takeover", () => {
  it("lets exactly one of many starters take over one stale lock at once; the others find it running", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = folder();
      // The app that held it was killed: its pid is gone.
      writeFileSync(join(dir, LOCK_FILE), "999999999 12345\n");
      const startAt = Date.now() + 3_000;
      const starters = Array.from({ length: 8 }, () => starter(dir, startAt));
      const results = await Promise.all(starters.map((s) => s.result));
      const winners = starters.filter((_, i) => results[i] === "won");
      expect(winners, results.join("\n")).toHaveLength(1);
      const winner = winners[0]!.child.pid!;
      for (const result of results.filter((r) => r !== "won")) {
        expect(result).toBe(`refused: Another codex-review (pid ${winner}) already runs on the data folder ${dir}. Stop it first, or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).`);
      }
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(winner)}\n`);
      // No takeover or temporary file is left behind.
      expect(readdirSync(dir)).toEqual([LOCK_FILE]);
      for (const { child } of starters) child.kill("SIGKILL");
    }
    // Eight Node starts a round, on a shared 2-core machine.
  }, 90_000);

  it("removes a takeover file left by a starter killed while it took over, and takes the stale lock over", () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), "999999999 12345\n");
    writeFileSync(join(dir, `${LOCK_FILE}.takeover`), "999999998 12346\n");
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  // Root reads any process's /proc/<pid>/exe; an unprivileged starter gets EACCES for root's processes.
  describe.runIf(process.getuid?.() === 0)("a starter of another user than the pid's process (EACCES on its /proc/<pid>/exe)", () => {
    it("still refuses when the lock records that process's start time: the same process, whoever owns it", async () => {
      const dir = folder();
      const app = await runningApp();
      writeFileSync(join(dir, LOCK_FILE), `${app.pid} ${startTimeOf(app.pid!)}\n`);
      chownSync(join(dir, LOCK_FILE), NOBODY, NOBODY);
      const { result } = starter(dir, 0, NOBODY);
      expect(await result).toBe(`refused: Another codex-review (pid ${app.pid}) already runs on the data folder ${dir}. Stop it first, or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).`);
    });

    it("takes over a lock an earlier release wrote (pid only) whose pid now runs a process of a user other than the lock file's owner", async () => {
      const dir = folder();
      // Root's Node process got the pid; the lock file is the unprivileged user's.
      const app = await runningApp();
      writeFileSync(join(dir, LOCK_FILE), `${app.pid}\n`);
      chownSync(join(dir, LOCK_FILE), NOBODY, NOBODY);
      const { child, result } = starter(dir, 0, NOBODY);
      expect(await result).toBe("won");
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(child.pid!)}\n`);
    });
  });
});
