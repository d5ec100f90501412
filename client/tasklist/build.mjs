// Builds the task inbox into dist/ (docs/tasklist.md): one script, one style sheet, the page.
// The gateway serves dist/ under /ui/ (--ui-dir); nothing is fetched from elsewhere at run time.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const out = new URL("./dist/", import.meta.url);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: "src/main.tsx" },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: "dist",
  logLevel: "warning",
});
await copyFile(new URL("./src/index.html", import.meta.url), new URL("index.html", out));
await copyFile(new URL("./src/app.css", import.meta.url), new URL("app.css", out));
