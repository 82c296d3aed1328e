import { describe, expect, it } from "vitest";
import { MAX_QUESTION_CHARS, mentionsApp, parseCommand, parseQuestion } from "../../../src/webhooks/parse-command.js";

describe("parseCommand", () => {
  it.each([
    ["/codex review", { name: "review", args: [] }],
    ["/CODEX Review FULL", { name: "review", args: ["full"] }],
    ["  /codex pause\nmore text", { name: "pause", args: [] }],
    ["/codex", { name: "help", args: [] }],
    ["@codex-review resume", { name: "resume", args: [] }],
    ["@codex-review[bot] help", { name: "help", args: [] }],
    ["/codex frobnicate now", { name: "frobnicate", args: ["now"] }],
  ])("reads %j", (body, expected) => {
    expect(parseCommand(body, "codex-review")).toEqual(expected);
  });

  it.each(["please /codex review", "/codexreview", "@codex-reviewer review", "", null, "> /codex review\nquoted"])(
    "finds no command in %j",
    (body) => {
      expect(parseCommand(body, "codex-review")).toBeNull();
    },
  );

  it("escapes the slug, so a slug with regex characters matches only itself", () => {
    expect(parseCommand("@my.bot review", "my.bot")).toEqual({ name: "review", args: [] });
    expect(parseCommand("@myxbot review", "my.bot")).toBeNull();
  });
});

describe("parseQuestion", () => {
  it.each([
    ["/codex ask Why does parse() split on CRLF?", "Why does parse() split on CRLF?"],
    ["/CODEX ASK Keeps The Case", "Keeps The Case"],
    ["  @codex-review ask   what calls this?  ", "what calls this?"],
    ["@codex-review[bot] ask is it safe?", "is it safe?"],
    ["/codex ask\nWhy this change?\n\n```js\nconst a = 1;\n```\n", "Why this change?\n\n```js\nconst a = 1;\n```"],
    ["/codex ask first line\r\nsecond line", "first line\r\nsecond line"],
    ["/codex ask", ""],
    ["/codex ask   \n  \n", ""],
  ])("reads the question of %j", (body, question) => {
    expect(parseCommand(body, "codex-review")?.name).toBe("ask");
    expect(parseQuestion(body, "codex-review")).toBe(question);
  });

  it.each(["/codex asking things", "/codex review ask me", "please /codex ask why", "> /codex ask quoted", "/codex", null, ""])("finds no question in %j", (body) => {
    expect(parseQuestion(body, "codex-review")).toBeNull();
  });

  it("cuts a huge question at MAX_QUESTION_CHARS, without scanning all of it", () => {
    const question = parseQuestion(`/codex ask ${"why ".repeat(1_000_000)}`, "codex-review");
    expect(question).not.toBeNull();
    expect(question!.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    expect(question!.startsWith("why why")).toBe(true);
  });
});

describe("mentionsApp", () => {
  it.each([
    ["Why? /codex", true],
    ["@codex-review can you explain", true],
    ["thanks @codex-review!", true],
    ["see /codexes", false],
    ["@codex-reviewer is someone else", false],
    ["no mention", false],
  ])("%j -> %s", (body, expected) => {
    expect(mentionsApp(body, "codex-review")).toBe(expected);
  });
});
