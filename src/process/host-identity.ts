import { readFileSync, readlinkSync } from "node:fs";
import { hostname, uptime } from "node:os";

/**
 * Where a process runs, as a lock file records it beside its pid: a pid and a start time name a process
 * only in the pid namespace and the boot they were read in. Two containers on one host share the boot
 * id but not the pid namespace (each may run the app as pid 1); two hosts differ in both. The hostname
 * tells this host's (or this container's) earlier boots from another host's.
 */
export interface HostIdentity {
  /** /proc/sys/kernel/random/boot_id: new at every boot. Null without /proc (macOS). */
  bootId: string | null;
  /** The inode of /proc/self/ns/pid. Null without /proc. The host's own namespace has the same inode at every boot. */
  pidNamespace: string | null;
  hostname: string;
}

/**
 * `here`: this boot and this pid namespace, where a pid can be checked. `earlier-boot`: this host (same
 * hostname) before a reboot: nothing from then runs. `elsewhere`: another container or host, whose pids
 * mean nothing here.
 */
export type HostPlace = "here" | "earlier-boot" | "elsewhere";

let ours: HostIdentity | undefined;

/** This process's host identity; read once, since none of it changes while the process runs. */
export function readHostIdentity(): HostIdentity {
  ours ??= {
    bootId: readOrNull(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()),
    pidNamespace: readOrNull(() => /^pid:\[(\d+)\]$/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? null),
    hostname: hostname(),
  };
  return ours;
}

/** Where the process recorded with `host` ran, seen from this one; a record without one (an earlier release's) is taken to be here. */
export function placeOf(host: HostIdentity | null): HostPlace {
  if (host === null) return "here";
  const self = readHostIdentity();
  const differ = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
  if (differ(host.bootId, self.bootId)) return host.hostname === self.hostname ? "earlier-boot" : "elsewhere";
  return differ(host.pidNamespace, self.pidNamespace) ? "elsewhere" : "here";
}

/** Whether `host` runs under this kernel (same boot id): its file times and this process's clock are one clock. */
export function sharesOurClock(host: HostIdentity | null): boolean {
  const self = readHostIdentity();
  return host !== null && host.bootId !== null && host.bootId === self.bootId;
}

/**
 * Whether a lock file recorded with `host`, last touched at `mtimeMs`, is of this host's earlier boot for
 * sure: its place says so (another boot id, our hostname) and it has not been touched since this kernel
 * started. Another host given the same hostname (a fixed compose `hostname:`, a cloned VM, a pod re-created
 * on another node) records another boot id too, but a running one keeps touching its lock.
 */
export function isFromEarlierBoot(host: HostIdentity | null, mtimeMs: number): boolean {
  return placeOf(host) === "earlier-boot" && mtimeMs < Date.now() - uptime() * 1_000;
}

/** `<boot id> <pid namespace> <hostname>`, `-` for what /proc could not tell. */
export function formatHostIdentity(host: HostIdentity): string {
  return `${host.bootId ?? "-"} ${host.pidNamespace ?? "-"} ${host.hostname}`;
}

/** The fields formatHostIdentity wrote; null when there are none (a lock an earlier release wrote). */
export function parseHostIdentity(fields: string[]): HostIdentity | null {
  const [bootId, pidNamespace, name] = fields;
  if (!bootId || !pidNamespace || !name) return null;
  const known = (field: string) => (field === "-" ? null : field);
  return { bootId: known(bootId), pidNamespace: known(pidNamespace), hostname: name };
}

function readOrNull(read: () => string | null): string | null {
  try {
    return read() || null;
  } catch {
    return null;
  }
}
