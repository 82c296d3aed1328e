import { spawnSync } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { formatHostIdentity, parseHostIdentity, readHostIdentity, type HostIdentity } from "./host-identity.js";

/**
 * A process as a lock file records it: its pid, and its start time (clock ticks after boot, field 22 of
 * /proc/<pid>/stat) where /proc tells it. A pid is handed out again once its process is gone; a pid and
 * its start time together name one process.
 */
export interface ProcessRecord {
  pid: number;
  /** Null where /proc cannot tell (macOS), or in a lock an earlier release wrote. */
  startTime: string | null;
  /** The boot, pid namespace and host the pid and start time were read in; null in a lock an earlier release wrote. */
  host: HostIdentity | null;
}

/**
 * `<pid> <start time> <boot id> <pid namespace> <hostname>` (`-` for what is unknown): an earlier
 * release, which reads the first two fields only, still reads it; `<pid>` or `<pid> <start time>` are
 * what earlier releases wrote.
 */
export function formatProcessRecord(record: ProcessRecord): string {
  const head = `${record.pid} ${record.startTime ?? "-"}`;
  return record.host === null ? head : `${head} ${formatHostIdentity(record.host)}`;
}

export function parseProcessRecord(line: string | undefined): ProcessRecord | null {
  const [pidText, startText, ...hostFields] = (line ?? "").trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, startTime: startText && /^\d+$/.test(startText) ? startText : null, host: parseHostIdentity(hostFields) };
}

/** This process, or a running one of this pid namespace, as a lock file records it. */
export function recordProcess(pid: number | "self"): ProcessRecord {
  return { pid: pid === "self" ? process.pid : pid, startTime: readStat(pid)?.startTime ?? null, host: readHostIdentity() };
}

/**
 * Whether `record` names a running process that is this program: a lock's holder. Where the lock has
 * the holder's start time and /proc shows the pid's, they decide: the same pid started at another time
 * is another process (the app was killed and its pid handed out again, likely in a container's small pid
 * space), whatever program it runs, whoever owns it. A lock from an earlier release has no start time:
 * then a process of a user other than the lock file's owner did not write it, and one running another
 * program holds nothing (the same executable, or the same process name: a title set by a process manager
 * changes the name only). Where /proc cannot tell at all, a live pid is taken to be the holder.
 */
export function isLockHolder(record: ProcessRecord, lockOwnerUid: number | null): boolean {
  if (!isAlive(record.pid)) return false;
  const stat = readStat(record.pid);
  if (record.startTime !== null && stat) return stat.startTime === record.startTime;
  const uid = effectiveUid(record.pid);
  if (uid !== null && lockOwnerUid !== null && uid !== lockOwnerUid) return false;
  const theirs = { exe: executableOf(record.pid), name: stat?.comm ?? null };
  const ours = { exe: executableOf("self"), name: programName("self") };
  if (theirs.exe === null || ours.exe === null || theirs.name === null || ours.name === null) return true;
  return theirs.exe === ours.exe || theirs.name === ours.name;
}

/** Whether `record` names a running redis-server: the one recorded when its start time is known, not another process that got the pid since. */
export function isRedisServer(record: ProcessRecord): boolean {
  if (!isAlive(record.pid)) return false;
  const stat = readStat(record.pid);
  if (record.startTime !== null && stat && stat.startTime !== record.startTime) return false;
  return (stat?.comm ?? programNameFromPs(record.pid))?.endsWith("redis-server") === true;
}

/** The process's executable (/proc/<pid>/exe); null where /proc cannot tell (no /proc; another user's process: EACCES). */
function executableOf(pid: number | "self"): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/** The process's effective uid (/proc/<pid>/status, readable for any user's process); null without /proc. */
function effectiveUid(pid: number): number | null {
  try {
    const uids = /^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return uids ? Number(uids[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid` runs. A zombie (exited, not yet reaped) does not: it holds no file, and where PID 1 does
 * not reap (a bare container), a killed app's orphaned redis-server stays one for good.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return readStat(pid)?.state !== "Z";
}

/**
 * The process's name (`comm`), state letter and start time from /proc/<pid>/stat (Linux); null where
 * there is no /proc to read. `pid (comm) S ...`: comm may itself hold spaces and parentheses, so it runs
 * from the first `(` to the last `)`; the fields after it start at the state (field 3), so the start
 * time (field 22) is the 20th of them.
 */
function readStat(pid: number | "self"): { comm: string; state: string; startTime: string | null } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const fields = stat.slice(close + 2).trim().split(" ");
  const startTime = fields[19] && /^\d+$/.test(fields[19]) ? fields[19] : null;
  return { comm: stat.slice(open + 1, close), state: fields[0] ?? "", startTime };
}

function programName(pid: number | "self"): string | null {
  return readStat(pid)?.comm ?? null;
}

/** Without /proc (macOS): `ps`, where it is installed; null where it is not (slim images have none). */
function programNameFromPs(pid: number): string | null {
  const ps = spawnSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" });
  return ps.status === 0 ? ps.stdout.trim() : null;
}
