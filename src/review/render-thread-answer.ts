import { renderProse } from "./render-review.js";

export const CUT_OFF_NOTE = "_(answer cut off at the output limit)_";
export const NO_ANSWER_NOTE = "_(no answer: the model reached its output limit before writing one)_";

/**
 * The model's answer as posted in the thread. An answer that stopped at the output cap says so, so
 * nobody takes a half sentence or an unfinished fix for the whole answer. Pure.
 */
export function renderThreadAnswer(text: string, cutOff: boolean): string {
  const prose = renderProse(text);
  if (!cutOff) return prose;
  return prose ? `${prose}\n\n${CUT_OFF_NOTE}` : NO_ANSWER_NOTE;
}
