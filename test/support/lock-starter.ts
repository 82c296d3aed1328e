import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const LOCK_MODULE = resolve("src/process/data-dir-lock.ts");

export interface LockStarterOptions {
  /** Every starter of a round locks at this instant (ms since the epoch). Default: at once. */
  startAt?: number;
  /** Runs as this user (and group). */
  uid?: number;
  /** Runs as pid 1 of a pid namespace of its own, with this hostname (a UTS namespace of its own): a container. Needs root. */
  container?: { hostname: string };
  /** lockDataDir's `foreignLockWatchMs`. */
  foreignLockWatchMs?: number;
}

/**
 * A starter: a process of its own that locks `dir`, prints what became of it (`won` or `refused: <message>`),
 * and holds the lock until killed. In a container, killing `child` kills its pid 1 (`unshare --kill-child`).
 */
export function startLockStarter(dir: string, track: (child: ChildProcess) => void, options: LockStarterOptions = {}): { child: ChildProcess; result: Promise<string> } {
  const lockOptions = options.foreignLockWatchMs === undefined ? {} : { foreignLockWatchMs: options.foreignLockWatchMs };
  const code = `const { lockDataDir } = await import(${JSON.stringify(LOCK_MODULE)});
while (Date.now() < ${options.startAt ?? 0});
let line;
try { lockDataDir(${JSON.stringify(dir)}, ${JSON.stringify(lockOptions)}); line = "won"; } catch (error) { line = "refused: " + error.message; }
process.stdout.write(line + "\\n");
setInterval(() => {}, 1000);`;
  const node = [process.execPath, "--import", "tsx", "--input-type=module", "-e", code];
  const command = options.container
    ? ["unshare", "--pid", "--uts", "--mount-proc", "--kill-child", "sh", "-c", `hostname ${options.container.hostname} && exec "$@"`, "sh", ...node]
    : node;
  const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "inherit"], ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }) });
  track(child);
  const result = new Promise<string>((resolveLine, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolveLine(out.trim());
    });
    child.once("exit", (code) => reject(new Error(`starter exited (${code}) before it said what became of it: ${out}`)));
  });
  return { child, result };
}
