import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** Temp folders and child processes of a test file, removed and killed after each test. */
export function scratchPerTest(prefix: string): {
  folder(): string;
  track<T extends ChildProcess>(child: T): T;
  /** A running start of this same program (this process's executable), alive for `lifetimeMs`. */
  runningApp(lifetimeMs?: number): Promise<ChildProcess>;
} {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const track = <T extends ChildProcess>(child: T): T => {
    children.push(child);
    return child;
  };
  return {
    folder: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    track,
    runningApp: async (lifetimeMs = 30_000) => {
      const app = track(spawn(process.execPath, ["-e", `setTimeout(() => {}, ${lifetimeMs})`], { stdio: "ignore" }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      return app;
    },
  };
}

/** A process's start time (field 22 of /proc/<pid>/stat), as the data folder lock records it. */
export function startTimeOf(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/**
 * The data folder lock's record of a process of this host: `<pid> <start time> <boot id> <pid namespace>
 * <hostname>`, its namespace read from /proc/<pid>/ns/pid and its hostname given (a process of another
 * UTS namespace has its own).
 */
export function lockLineOf(pid: number, host = hostname()): string {
  const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  const pidNamespace = /\d+/.exec(readlinkSync(`/proc/${pid}/ns/pid`))![0];
  return `${pid} ${startTimeOf(pid)} ${bootId} ${pidNamespace} ${host}`;
}
