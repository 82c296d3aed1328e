/** The env's settings with a repository's config laid over them; `guidelines` is AGENTS.md's review section. Pure. */
export function effectiveSettings(base, config, guidelines) {
    const instructions = [config.instructions.trim(), guidelines ? `Repository review guidelines (from AGENTS.md):\n${guidelines.trim()}` : ""]
        .filter(Boolean)
        .join("\n\n");
    return {
        ...base,
        maxFiles: config.caps.max_files ?? base.maxFiles,
        maxChunks: config.caps.max_chunks ?? base.maxChunks,
        maxInputTokens: config.caps.max_input_tokens ?? base.maxInputTokens,
        exclude: [...base.exclude, ...config.paths.exclude],
        include: [...base.include, ...config.paths.include],
        severityThreshold: config.severity_threshold,
        maxComments: config.max_comments,
        language: config.language,
        instructions,
        pathInstructions: config.path_instructions,
        reasoningEffort: config.reasoning_effort ?? base.reasoningEffort,
    };
}
