import { describe, expect, it } from "vitest";
import { createCliProgress } from "../../../src/cli/cli-progress.js";

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe("createCliProgress", () => {
  it("rewrites one status line in place on a terminal and ends it with a newline", () => {
    const tty = stream(true);
    const progress = createCliProgress(tty);
    progress.step("Reviewing o/r#1");
    progress.chunkDone(1, 4);
    progress.chunkDone(4, 4);
    progress.finish();
    expect(tty.writes).toEqual([
      "\r\x1b[2KReviewing o/r#1",
      "\r\x1b[2K[#####---------------] 1/4 chunks reviewed",
      "\r\x1b[2K[####################] 4/4 chunks reviewed",
      "\n",
    ]);
  });

  it("writes plain lines, no control characters, when stderr is not a terminal", () => {
    const pipe = stream(false);
    const progress = createCliProgress(pipe);
    progress.step("Reviewing o/r#1");
    progress.chunkDone(1, 2);
    progress.chunkDone(2, 2);
    progress.finish();
    expect(pipe.writes).toEqual(["Reviewing o/r#1\n", "1/2 chunks reviewed\n", "2/2 chunks reviewed\n"]);
  });
});
