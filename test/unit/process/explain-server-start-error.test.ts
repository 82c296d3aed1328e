import { describe, expect, it } from "vitest";
import { explainServerStartError } from "../../../src/process/explain-server-start-error.js";

describe("explainServerStartError", () => {
  // What smee-client's EventSource rejects with: an ErrorEvent-like object, not an Error.
  const proxyFailure = { type: "ErrorEvent", message: "TypeError: fetch failed: bad port" };

  it("names WEBHOOK_PROXY_URL and the channel's origin, never its secret path", () => {
    const error = explainServerStartError(proxyFailure, "https://smee.io/AbC123secret") as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain("WEBHOOK_PROXY_URL (https://smee.io): TypeError: fetch failed: bad port");
    expect(error.message).not.toContain("AbC123secret");
  });

  it("returns a listen failure (an Error) unchanged, and anything when no proxy is set", () => {
    const portTaken = Object.assign(new Error("Port 3000 is already in use."), { code: "EADDRINUSE" });
    expect(explainServerStartError(portTaken, "https://smee.io/AbC123secret")).toBe(portTaken);
    expect(explainServerStartError(proxyFailure, undefined)).toBe(proxyFailure);
  });
});
