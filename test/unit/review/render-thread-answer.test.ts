import { describe, expect, it } from "vitest";
import { CUT_OFF_NOTE, NO_ANSWER_NOTE, renderThreadAnswer } from "../../../src/review/render-thread-answer.js";

describe("renderThreadAnswer", () => {
  it("posts a complete answer as it is, made safe", () => {
    expect(renderThreadAnswer("Ask @octocat about <b>it</b>.", false)).toBe("Ask `@octocat` about &lt;b>it&lt;/b>.");
  });

  it("marks an answer cut off at the output limit, after closing a fence it left open", () => {
    const posted = renderThreadAnswer("Use this:\n```js\nconst re = /x/", true);
    expect(posted).toBe(`Use this:\n\`\`\`js\nconst re = /x/\n\`\`\`\n\n${CUT_OFF_NOTE}`);
  });

  it("says so when the limit was reached before any text", () => {
    expect(renderThreadAnswer("", true)).toBe(NO_ANSWER_NOTE);
  });
});
