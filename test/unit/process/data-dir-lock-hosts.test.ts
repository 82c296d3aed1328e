import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, uptime } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir } from "../../../src/process/data-dir-lock.js";
import { startLockStarter } from "../../support/lock-starter.js";
import { lockLineOf, scratchPerTest, startTimeOf } from "../../support/scratch-per-test.js";

const { folder, track, runningApp } = scratchPerTest("codex-review-lock-hosts-");

const linux = process.platform === "linux";
const bootId = linux ? readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() : "";
const OTHER_BOOT = "00000000-0000-4000-8000-000000000000";
/** The host's own pid namespace has this inode at every boot, on every host. */
const INIT_PID_NAMESPACE = "4026531836";
/** Containers: pid and UTS namespaces of their own (root, and a kernel that lets us). */
const canUnshare = linux && process.getuid?.() === 0 && spawnSync("unshare", ["--pid", "--uts", "--mount-proc", "--fork", "true"]).status === 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(canUnshare)("lockDataDir across containers on one host (each app pid 1 of its own pid namespace)", () => {
  it("refuses a second container's start while the first's app runs: its pid means nothing there, its heartbeat does", async () => {
    const dir = folder();
    const first = startLockStarter(dir, track, { container: { hostname: "box-a" } });
    expect(await first.result).toBe("won");
    const second = startLockStarter(dir, track, { container: { hostname: "box-b" } });
    expect(await second.result).toBe(
      `refused: Another codex-review (pid 1 on box-a, in another container or on another host) holds the data folder ${dir}: its lock ${join(dir, LOCK_FILE)} is refreshed every second. Stop it first, or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).`,
    );
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toMatch(new RegExp(`^1 \\d+ ${bootId} \\d+ box-a\\n$`));
  }, 60_000);

  it("takes over the lock of a container killed with its app (its namespace gone) once no heartbeat came while it watched", async () => {
    const dir = folder();
    const first = startLockStarter(dir, track, { container: { hostname: "box-a" } });
    expect(await first.result).toBe("won");
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGKILL");
    await exited;
    // Restarted under the same name, as a container is, or another one: the lock is another namespace's either way.
    const second = startLockStarter(dir, track, { container: { hostname: "box-a" }, foreignLockWatchMs: 2_000 });
    expect(await second.result).toBe("won");
    const [line] = readFileSync(join(dir, LOCK_FILE), "utf8").split("\n");
    expect(line).toMatch(new RegExp(`^1 \\d+ ${bootId} \\d+ box-a$`));
    expect(line!.split(" ")[3]).not.toBe(lockLineOf(process.pid).split(" ")[3]);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  }, 60_000);
});

describe.runIf(linux)("lockDataDir and where a lock was written", () => {
  it("takes a lock of this host's earlier boot for stale at once, even where its pid and start time match a process now", async () => {
    const dir = folder();
    const app = await runningApp();
    writeFileSync(join(dir, LOCK_FILE), `${app.pid} ${startTimeOf(app.pid!)} ${OTHER_BOOT} ${INIT_PID_NAMESPACE} ${hostname()}\n`);
    // Last touched by that boot, before this one started.
    const beforeBoot = new Date(Date.now() - uptime() * 1_000 - 60_000);
    utimesSync(join(dir, LOCK_FILE), beforeBoot, beforeBoot);
    // Watching it would take a minute: it is not watched.
    const lock = lockDataDir(dir, { foreignLockWatchMs: 60_000 });
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    lock.release();
  });

  it("takes over at once the lock of another container on this kernel left untouched for longer than the watch (a crash minutes ago costs no wait)", () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, `1 12345 ${bootId} 4026532999 box-gone\n`);
    const fiveMinutesAgo = new Date(Date.now() - 300_000);
    utimesSync(path, fiveMinutesAgo, fiveMinutesAgo);
    // Watching it whole would take a minute (past this test's timeout): only what is left of it is watched.
    const lock = lockDataDir(dir, { foreignLockWatchMs: 60_000 });
    expect(readFileSync(path, "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    lock.release();
  });

  it("refuses a lock of another host of this hostname (another boot id) while it is touched: only one untouched since this boot is an earlier boot's", async () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, `1 12345 ${OTHER_BOOT} ${INIT_PID_NAMESPACE} ${hostname()}\n`);
    const heartbeat = track(spawn("sh", ["-c", 'while :; do touch "$0"; sleep 0.2; done', path], { stdio: "ignore" }));
    expect(() => lockDataDir(dir, { foreignLockWatchMs: 3_000 })).toThrow(`Another codex-review (pid 1 on ${hostname()}, in another container or on another host) holds the data folder ${dir}`);
    const stopped = new Promise((resolve) => heartbeat.once("exit", resolve));
    heartbeat.kill("SIGKILL");
    await stopped;
    const lock = lockDataDir(dir, { foreignLockWatchMs: 1_000 });
    expect(readFileSync(path, "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    lock.release();
  });

  it("refuses a lock of another host while it is touched, and takes it over once it is not", async () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    // pid 1 here is this host's init, running: its pid is no clue either way.
    writeFileSync(path, `1 12345 ${OTHER_BOOT} ${INIT_PID_NAMESPACE} other-host\n`);
    const heartbeat = track(spawn("sh", ["-c", 'while :; do touch "$0"; sleep 0.2; done', path], { stdio: "ignore" }));
    expect(() => lockDataDir(dir, { foreignLockWatchMs: 3_000 })).toThrow(`Another codex-review (pid 1 on other-host, in another container or on another host) holds the data folder ${dir}`);
    const stopped = new Promise((resolve) => heartbeat.once("exit", resolve));
    heartbeat.kill("SIGKILL");
    await stopped;
    const lock = lockDataDir(dir, { foreignLockWatchMs: 1_000 });
    expect(readFileSync(path, "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    lock.release();
  });

  it("waits for a lock file that is being written (created empty where the file system has no hard links) instead of taking it for stale", async () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    const app = await runningApp();
    writeFileSync(path, "");
    track(spawn("sh", ["-c", 'sleep 0.3; printf "%s\\n" "$1" > "$0"', path, lockLineOf(app.pid!)], { stdio: "ignore" }));
    expect(() => lockDataDir(dir)).toThrow(`Another codex-review (pid ${app.pid}) already runs on the data folder ${dir}`);
    expect(readFileSync(path, "utf8")).toBe(`${lockLineOf(app.pid!)}\n`);
  });

  it("takes over a lock file its starter left empty or partial (killed between creating and writing it), after a grace", () => {
    for (const content of ["", `${process.pid + 1} 123`]) {
      const dir = folder();
      writeFileSync(join(dir, LOCK_FILE), content);
      const lock = lockDataDir(dir);
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
      lock.release();
    }
  });

  it("removes on takeover the temporary files of starters killed mid-way, and not a running starter's", () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), "999999999 12345\n");
    const old = new Date(Date.now() - 5 * 60_000);
    for (const name of [`${LOCK_FILE}.999999998.0a1b2c3d.tmp`, `${LOCK_FILE}.takeover.999999997.0a1b2c3e.stale`, `${LOCK_FILE}.takeover.999999996.0a1b2c3f.tmp`]) {
      writeFileSync(join(dir, name), "999999998 1\n");
      utimesSync(join(dir, name), old, old);
    }
    const running = `${LOCK_FILE}.999999995.0a1b2c40.tmp`;
    writeFileSync(join(dir, running), "999999995 1\n");
    writeFileSync(join(dir, "notes.txt.1.0a1b2c41.tmp"), "");
    utimesSync(join(dir, "notes.txt.1.0a1b2c41.tmp"), old, old);
    const lock = lockDataDir(dir);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, running, "notes.txt.1.0a1b2c41.tmp"].sort());
    lock.release();
  });

  it("removes a takeover file of another container left for over 5 s (a starter killed while it took over), and takes the stale lock over", () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), "999999999 12345\n");
    writeFileSync(join(dir, `${LOCK_FILE}.takeover`), `1 1 ${bootId} 4026530000 box-b\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${lockLineOf(process.pid)}\n`);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  it("releases only its own lock, not another container's that records the same pid", () => {
    const dir = folder();
    const lock = lockDataDir(dir);
    const theirs = `${process.pid} 123 ${bootId} 4026530000 box-b\n`;
    writeFileSync(join(dir, LOCK_FILE), theirs);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(theirs);
  });

  it("keeps its lock file touched while it holds it", async () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    const lock = lockDataDir(dir);
    const before = statSync(path).mtimeMs;
    for (let i = 0; i < 50 && statSync(path).mtimeMs === before; i++) await sleep(100);
    expect(statSync(path).mtimeMs).toBeGreaterThan(before);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
