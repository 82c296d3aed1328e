/**
 * Upper bound for one megabyte of worst-case input through a scan that must be linear. The old
 * backtracking patterns took tens of seconds to hours on these inputs (bench/untrusted-text.ts); the
 * linear scans take milliseconds. The wide margin absorbs a loaded CI machine.
 */
export const LINEAR_TIME_LIMIT_MS = 3_000;
