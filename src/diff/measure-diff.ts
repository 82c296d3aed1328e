/** A unified diff's size as GitHub's diff limits count it: files (`diff --git` headers) and lines of text. */
export interface DiffSize {
  files: number;
  lines: number;
}

/**
 * Measures a unified diff without parsing it (a diff past GitHub's limits can be megabytes, and is then
 * not reviewed from its text). A file starts at a `diff --git` header: hunk lines start with a space, `+`,
 * `-` or `\`, so no line of content can be one. The final newline ends the last line; it starts none. Pure.
 */
export function measureDiff(text: string): DiffSize {
  let files = text.startsWith("diff --git ") ? 1 : 0;
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
    lines++;
    if (text.startsWith("diff --git ", at + 1)) files++;
  }
  if (text.length > 0 && !text.endsWith("\n")) lines++;
  return { files, lines };
}
