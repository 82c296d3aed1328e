import { expect } from "vitest";
import type { AimlApiFake } from "../fakes/aimlapi-fake.js";
import type { GithubFake } from "../fakes/github-fake.js";

/**
 * Fails the test when a fake saw a request it does not know or one off the API spec, or (unless
 * `replies: false`) when the model fake served a reply off the spec.
 */
export function expectCleanFakes(fakes: { github: GithubFake; model: AimlApiFake }, options: { replies?: boolean } = {}): void {
  expect(fakes.github.unexpected).toEqual([]);
  expect(fakes.model.invalidRequests).toEqual([]);
  if (options.replies !== false) expect(fakes.model.invalidReplies).toEqual([]);
  expect(fakes.model.unexpected).toEqual([]);
}
