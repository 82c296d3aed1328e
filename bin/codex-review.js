#!/usr/bin/env node
// `npx codex-review` from a clone runs the TypeScript source through tsx (a runtime dependency), so it
// works right after `npm install` with no build; an installed build without src/ runs dist/ instead.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
