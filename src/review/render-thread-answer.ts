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

/** Hidden marker of the answer to one question (a thread reply, a `/codex ask`): a retried job finds it and does not answer twice. */
export function answerMarker(commentId: number): string {
  return `<!-- codex-review:answer-to=${commentId} -->`;
}

export interface QuestionAnswer {
  askedBy: string;
  text: string;
  cutOff: boolean;
  /** Files of the PR that were not in the answer's context (caps, filters). */
  filesLeftOut: number;
  /** The `/codex ask` comment. */
  commentId: number;
}

/** The PR comment that answers a `/codex ask`: addressed to the asker, limits said, marked as the answer. Pure. */
export function renderQuestionAnswer(answer: QuestionAnswer): string {
  const parts = [`@${answer.askedBy}`, renderThreadAnswer(answer.text, answer.cutOff)];
  if (answer.filesLeftOut > 0) {
    const files = answer.filesLeftOut === 1 ? "1 file" : `${answer.filesLeftOut} files`;
    parts.push(`_(${files} of this pull request did not fit in the answer's context: filtered out or over the input-token cap.)_`);
  }
  return `${parts.join("\n\n")}\n\n${answerMarker(answer.commentId)}`;
}
