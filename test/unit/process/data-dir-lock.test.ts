import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "../../../src/process/data-dir-lock.js";
import { lockLineOf, scratchPerTest, startTimeOf } from "../../support/scratch-per-test.js";

const { folder, track, runningApp } = scratchPerTest("codex-review-lock-test-");

/** A program whose process name is `redis-server` (a link to `target`), as ps and /proc show it. */
const fakeRedisServer = (target: string) => {
  const link = join(folder(), "redis-server");
  symlinkSync(target, link);
  return link;
};

const ownLock = () => `${lockLineOf(process.pid)}\n`;


const stateOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
};

/** A `redis-server` that has exited but is never reaped: its parent (`sleep`) never waits for it. */
async function zombieRedisServer(): Promise<number> {
  // It exits 0.2 s after it starts, once the shell has become `sleep`: exiting before, it could be reaped by the shell.
  const shell = spawn("sh", ["-c", '"$0" 0.2 & echo $!; exec sleep 30', fakeRedisServer("/bin/sleep")], { stdio: ["ignore", "pipe", "inherit"] });
  track(shell);
  const pid = await new Promise<number>((resolve) => shell.stdout!.once("data", (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10))));
  for (let i = 0; i < 100 && stateOf(pid) !== "Z"; i++) await new Promise((r) => setTimeout(r, 20));
  return pid;
}

/** A data folder whose lock names a gone app and a `redis-server` that still runs. */
async function lockHeldByRunningRedisServer(): Promise<{ dir: string; running: ChildProcess }> {
  const dir = folder();
  const running = spawn(fakeRedisServer("/bin/sleep"), ["30"], { stdio: "ignore" });
  track(running);
  await new Promise((r) => setTimeout(r, 100));
  writeFileSync(join(dir, LOCK_FILE), `999999999\n${running.pid}\n`);
  return { dir, running };
}

describe.runIf(process.platform === "linux")("lockDataDir", () => {
  it("takes over a folder whose last redis-server is a zombie (exited, never reaped): it holds nothing", async () => {
    const dir = folder();
    const zombie = await zombieRedisServer();
    expect(stateOf(zombie)).toBe("Z");
    writeFileSync(join(dir, LOCK_FILE), `999999999\n${zombie}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(ownLock());
    lock.release();
  });

  it("still refuses a folder whose last redis-server runs", async () => {
    const { dir, running } = await lockHeldByRunningRedisServer();
    expect(() => lockDataDir(dir)).toThrow(`A redis-server (pid ${running.pid}) left by an earlier run still uses the data folder ${dir}`);
  });

  it("refuses a folder whose last redis-server runs where `ps` is not installed (slim images)", async () => {
    const { dir, running } = await lockHeldByRunningRedisServer();
    const path = process.env.PATH;
    process.env.PATH = folder();
    try {
      expect(() => lockDataDir(dir)).toThrow(`A redis-server (pid ${running.pid}) left by an earlier run still uses the data folder ${dir}`);
    } finally {
      process.env.PATH = path;
    }
  });

  it("takes over a folder whose app's pid now belongs to another program (pid reuse after a SIGKILL)", async () => {
    const dir = folder();
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    track(other);
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(ownLock());
    lock.release();
  });

  it("still refuses a folder whose app runs (its pid, start time and host recorded, or as earlier releases did: its pid and start time, its pid only)", async () => {
    const dir = folder();
    const app = await runningApp();
    for (const lock of [`${lockLineOf(app.pid!)}\n`, `${app.pid} ${startTimeOf(app.pid!)}\n`, `${app.pid}\n`]) {
      writeFileSync(join(dir, LOCK_FILE), lock);
      expect(() => lockDataDir(dir)).toThrow(`Another codex-review (pid ${app.pid}) already runs on the data folder ${dir}`);
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(lock);
    }
  });

  it("takes over a folder whose app's pid now runs another start of this same program (pid reuse: its start time differs)", async () => {
    const dir = folder();
    const app = await runningApp();
    // The lock's app started at another time than the process now on its pid.
    writeFileSync(join(dir, LOCK_FILE), `${app.pid} ${Number(startTimeOf(app.pid!)) - 1}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(ownLock());
    lock.release();
  });

  it("takes over a folder whose redis-server's pid now runs another redis-server (its start time differs)", async () => {
    const { dir, running } = await lockHeldByRunningRedisServer();
    writeFileSync(join(dir, LOCK_FILE), `999999999\n${running.pid} ${Number(startTimeOf(running.pid!)) + 1}\n`);
    lockDataDir(dir).release();
  });

  it("records its redis-server's pid and start time, replacing the file in one step", async () => {
    const { dir, running } = await lockHeldByRunningRedisServer();
    rmSync(join(dir, LOCK_FILE));
    const lock = lockDataDir(dir);
    lock.recordRedis(running.pid!);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${ownLock()}${lockLineOf(running.pid!)}\n`);
    // No temporary file is left beside it.
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("reads a process name that holds spaces and parentheses from /proc/<pid>/stat", async () => {
    const dir = folder();
    // 15 characters, the kernel's limit: `<pid> () (redis-server) S ...`.
    const link = join(folder(), ") (redis-server");
    symlinkSync("/bin/sleep", link);
    const running = spawn(link, ["30"], { stdio: "ignore" });
    track(running);
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(`/proc/${running.pid}/stat`, "utf8")).toContain("() (redis-server)");
    writeFileSync(join(dir, LOCK_FILE), `999999999\n${running.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(`A redis-server (pid ${running.pid}) left by an earlier run`);
  });
});
