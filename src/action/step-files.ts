/**
 * The runner's file formats for a step (docs: "Workflow commands for GitHub Actions"): outputs appended
 * to GITHUB_OUTPUT, error annotations on stdout. Pure.
 */

/**
 * `name<<DELIMITER` / value / `DELIMITER` for every output, the multiline form the runner documents,
 * used for all values so none (a model-written title, a reason) can end its value early and set another
 * output. `delimiter` must not occur in any value: pass a fresh random one.
 */
export function formatStepOutputs(outputs: Record<string, string>, delimiter: string): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (value.includes(delimiter)) throw new Error(`The output ${name} contains its delimiter`);
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join("");
}

/** `::error::message`, with the characters the runner would read as the command's end escaped. */
export function errorAnnotation(message: string): string {
  return `::error::${escapeCommandData(message)}\n`;
}

/** `::notice::message`, escaped as errorAnnotation. */
export function noticeAnnotation(message: string): string {
  return `::notice::${escapeCommandData(message)}\n`;
}

function escapeCommandData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}
