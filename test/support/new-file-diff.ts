/** A new file of `lines` distinct code lines, exactly as `git diff` prints it. */
export function newFileDiff(path: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `+export const value${i} = compute("${path}", ${i}) * ${i % 7};`);
  return [`diff --git a/${path} b/${path}`, "new file mode 100644", "index 0000000..1111111", "--- /dev/null", `+++ b/${path}`, `@@ -0,0 +1,${lines} @@`, ...body].join("\n") + "\n";
}
