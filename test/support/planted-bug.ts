import { completedReply, functionCallReply, type FakeReply, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { answeredCalls, mayCallTools } from "./agent-model.js";
import { addedLinesInPrompt, promptInput } from "./scripted-model.js";

/**
 * A pull request that changes `applyDiscount` from a percentage to a fraction (and makes it throw
 * outside 0..1) without touching its caller: `checkoutTotal` still passes a percentage. The diff
 * alone looks fine; the bug shows only in src/checkout.ts, which the PR does not change.
 */
export const PLANTED_BUG = {
  base: {
    "src/pricing.ts": [
      "/** `percent` is a percentage (15 for 15%). */",
      "export function applyDiscount(price: number, percent: number): number {",
      "  return price - (price * percent) / 100;",
      "}",
      "",
    ].join("\n"),
    "src/checkout.ts": [
      'import { applyDiscount } from "./pricing.js";',
      "",
      "/** `couponPercent` comes from the coupon table: 15 means 15% off. */",
      "export function checkoutTotal(items: number[], couponPercent: number): number {",
      "  const subtotal = items.reduce((sum, item) => sum + item, 0);",
      "  return applyDiscount(subtotal, couponPercent);",
      "}",
      "",
    ].join("\n"),
    "README.md": "# shop\n\nA tiny shop.\n",
  },
  head: {
    "src/pricing.ts": [
      "/** `rate` is a fraction between 0 and 1 (0.15 for 15%). */",
      "export function applyDiscount(price: number, rate: number): number {",
      '  if (rate < 0 || rate > 1) throw new RangeError("rate must be between 0 and 1");',
      "  return price * (1 - rate);",
      "}",
      "",
    ].join("\n"),
  },
  /** The caller line that is the evidence, as search_code and read_file show it. */
  evidence: "return applyDiscount(subtotal, couponPercent);",
  evidenceLine: 6,
  title: "applyDiscount now takes a fraction but checkoutTotal still passes a percentage",
} as const;

/** The head's files: the base with the PR's changes laid over it. */
export const PLANTED_BUG_HEAD: Record<string, string> = { ...PLANTED_BUG.base, ...PLANTED_BUG.head };

/**
 * A model that acts as an agent on the planted bug: it searches for the callers of the changed
 * function, reads the caller it finds, and reports the bug only when the caller's code came back in a
 * `function_call_output`. Without tools (diff mode) or without that evidence it finds nothing.
 */
export function answerAsPlantedBugAgent(call: FakeResponsesCall): FakeReply {
  const answered = answeredCalls(call);
  const search = answered.find((entry) => entry.name === "search_code");
  const read = answered.find((entry) => entry.name === "read_file" && entry.arguments.path === "src/checkout.ts");
  if (mayCallTools(call)) {
    if (!search) return functionCallReply([{ name: "search_code", arguments: { query: "applyDiscount(", path_glob: null } }], { request: call.body });
    if (!read && search.output.includes(`src/checkout.ts:${PLANTED_BUG.evidenceLine}: `)) {
      return functionCallReply([{ name: "read_file", arguments: { path: "src/checkout.ts", start_line: null, end_line: null, version: null } }], { request: call.body });
    }
  }
  const confirmed = read?.output.includes(`${PLANTED_BUG.evidenceLine}:   ${PLANTED_BUG.evidence}`) === true && read.output.includes("15 means 15% off");
  const changed = addedLinesInPrompt(promptInput(call)).find((line) => line.code.includes("return price * (1 - rate);"));
  if (!confirmed || !changed) return completedReply({ summary: "applyDiscount now takes a fraction.", comments: [] }, { request: call.body });
  return completedReply(
    {
      summary: "The new contract of applyDiscount breaks its caller.",
      comments: [
        {
          path: changed.path,
          line: changed.line,
          side: "RIGHT",
          start_line: null,
          severity: "P1",
          title: PLANTED_BUG.title,
          body: `src/checkout.ts:${PLANTED_BUG.evidenceLine} calls \`applyDiscount(subtotal, couponPercent)\` with 15 for 15%, which now throws a RangeError.`,
          suggestion: null,
          quote: changed.code.trim(),
        },
      ],
    },
    { request: call.body },
  );
}
