/**
 * A path the model (or a person) asked for, made relative to the repository root, or why it is refused.
 * Pure: the reader still checks the real file (a symlink may leave the tree even when the path does not).
 */
export type ConfinedPath = { ok: true; path: string } | { ok: false; reason: string };

/** `""`, `"."` and `"./"` are the root; `..`, absolute paths, backslashes and NUL bytes are refused. */
export function confinePath(requested: string): ConfinedPath {
  if (requested.includes("\0")) return { ok: false, reason: "the path contains a NUL byte" };
  if (requested.startsWith("/") || /^[A-Za-z]:/.test(requested)) return { ok: false, reason: "absolute paths are not allowed; give a path relative to the repository root" };
  // Git paths never hold a backslash on the platforms we serve; on Windows it would be a separator.
  if (requested.includes("\\")) return { ok: false, reason: "backslashes are not allowed in paths; use /" };
  const parts = requested.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return { ok: false, reason: "`..` is not allowed; paths stay inside the repository" };
  return { ok: true, path: parts.join("/") };
}
