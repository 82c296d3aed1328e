import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { hasBasicCredentials } from "../../../src/ops/basic-auth.js";
import { dashboardCredentials } from "../../../src/ops/operations-app.js";

const expected = { user: "ops", password: "pa:ss word" };
const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;

describe("hasBasicCredentials", () => {
  it.each([
    ["the right user and a password containing ':'", basic("ops:pa:ss word"), true],
    ["a lower-case scheme", basic("ops:pa:ss word").replace("Basic", "basic"), true],
    ["no header", undefined, false],
    ["a wrong password", basic("ops:pa:ss"), false],
    ["a wrong user", basic("admin:pa:ss word"), false],
    ["no colon", basic("opspa"), false],
    ["a bearer token", "Bearer abc", false],
  ])("%s", (_name, header, ok) => {
    expect(hasBasicCredentials(request(header), expected)).toBe(ok);
  });
});

describe("dashboardCredentials", () => {
  it("is off when neither variable is set, on when both are", () => {
    expect(dashboardCredentials({ DASHBOARD_USER: undefined, DASHBOARD_PASSWORD: undefined })).toBeNull();
    expect(dashboardCredentials({ DASHBOARD_USER: "a", DASHBOARD_PASSWORD: "b" })).toEqual({ user: "a", password: "b" });
  });

  it("refuses to start with only one of the two", () => {
    expect(() => dashboardCredentials({ DASHBOARD_USER: "a", DASHBOARD_PASSWORD: undefined })).toThrow(/both DASHBOARD_USER and DASHBOARD_PASSWORD/);
  });
});
