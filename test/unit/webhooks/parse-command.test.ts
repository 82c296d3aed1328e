import { describe, expect, it } from "vitest";
import { mentionsApp, parseCommand } from "../../../src/webhooks/parse-command.js";

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
