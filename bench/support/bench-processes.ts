import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every child the benchmark started; killed on any exit path so a failed run leaves nothing behind. */
const running = new Set<ChildProcess>();
let guarded = false;

function guardExit(): void {
  if (guarded) return;
  guarded = true;
  const killAll = () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface BenchProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Peak resident set (VmHWM) so far, in MB; null once the process is gone. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Where stdout and stderr go; /dev/null by default (logs are written, then discarded). */
  logFile?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** Runs a TypeScript entry point the way `npm run start:*` does (node + tsx), as a tracked child process. */
export function spawnEntry(name: string, entry: string, options: SpawnOptions): BenchProcess {
  guardExit();
  const out = openSync(options.logFile ?? "/dev/null", "a");
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", entry], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "production", ...options.env },
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  return {
    name,
    pid: child.pid ?? -1,
    child,
    peakRssMb: () => readPeakRssMb(child.pid ?? -1),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a redis-server of the benchmark's own on `port`, no persistence. */
export function spawnRedis(port: number, dir: string): BenchProcess {
  guardExit();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name: "redis",
    pid: child.pid ?? -1,
    child,
    peakRssMb: () => readPeakRssMb(child.pid ?? -1),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function readPeakRssMb(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Polls `url` until it answers 2xx, or fails when the process exits or `timeoutMs` passes. */
export async function waitForHttp(process: BenchProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process.child.exitCode !== null) throw new Error(`${process.name} exited with ${process.child.exitCode} before answering ${url}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${process.name} did not answer ${url} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; null when gone. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** USER_HZ; 100 on every Linux build that matters here. */
const CLOCK_TICKS_PER_SECOND = 100;
