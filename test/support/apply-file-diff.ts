import type { FileDiff } from "../../src/diff/types.js";

/** The new file's text from the old one and its parsed diff (for tests that need the head of a real diff). */
export function applyFileDiff(oldText: string, file: FileDiff): string {
  const old = oldText.split("\n");
  const finalNewline = old.at(-1) === "";
  if (finalNewline) old.pop();
  const out: string[] = [];
  let next = 1; // next old line to copy
  for (const hunk of file.hunks) {
    const firstOld = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    while (next < firstOld) out.push(old[next++ - 1]!);
    for (const line of hunk.lines) {
      if (line.kind !== "add") next++;
      if (line.kind !== "del") out.push(line.content);
    }
  }
  while (next <= old.length) out.push(old[next++ - 1]!);
  return out.join("\n") + (finalNewline ? "\n" : "");
}
