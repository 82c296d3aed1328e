/**
 * Upper bound, in CPU milliseconds, for a megabyte of worst-case input through scans that must be
 * linear. The old backtracking patterns took tens of seconds to hours on these inputs
 * (bench/untrusted-text.ts); the linear scans take milliseconds on an idle machine. CPU time, not wall
 * time, so a test does not fail only because the machine is busy with other work; the wide margin
 * absorbs the rest.
 */
export const LINEAR_TIME_LIMIT_MS = 3_000;

/** CPU time this process has used so far, in milliseconds (user + system). */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
}
