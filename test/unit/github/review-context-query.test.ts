import { validate } from "@octokit/graphql-schema";
import { expect, it } from "vitest";
import { REVIEW_CONTEXT_QUERY } from "../../../src/github/review-context.js";

it("asks GitHub's GraphQL schema for nothing it does not have (the PR's comments included, for the summary comment)", () => {
  expect(validate(REVIEW_CONTEXT_QUERY).map((error) => error.message)).toEqual([]);
  expect(REVIEW_CONTEXT_QUERY).toMatch(/comments\(last: 100\) \{ nodes \{ databaseId body author \{ __typename login \} \} \}/);
});

it("asks for the base branch's tip beside the recorded base sha (the PR's diff runs from the tip's merge base)", () => {
  expect(REVIEW_CONTEXT_QUERY).toMatch(/baseRefOid baseRefName baseRef \{ target \{ oid \} \}/);
});
