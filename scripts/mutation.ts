/**
 * `npm run mutation [-- <module.ts> ...]`: mutation testing of the modules that carry a guarantee
 * (scripts/mutation/modules.json), one Stryker run per module against that module's unit and handler
 * tests (stryker.config.mjs), under `nice -n 15` with one test process at a time and incremental
 * reports (reports/mutation/incremental/), so a rerun tests only mutants whose code or tests changed.
 * Then merges the per-module JSON reports into reports/mutation/mutation.json and prints the score per
 * module. `npm run mutation -- --scores` prints the table from the reports already there.
 * Not part of `npm test`: it takes many minutes. See docs/mutation.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { equivalentKeys, mergeReports, readReport, scoreModules, scoreTable } from "./lib/mutationScores";

const root = join(__dirname, "..", "..");
const table = JSON.parse(readFileSync(join(root, "scripts", "mutation", "modules.json"), "utf8")) as Record<string, unknown>;
const modules = Object.keys(table).filter((k) => k !== "_comment");
const reportDir = join(root, "reports", "mutation");

function slug(module: string): string {
  return module.replace(/^src\//, "").replace(/\.ts$/, "").replaceAll("/", "-");
}

const args = process.argv.slice(2);
const scoresOnly = args.includes("--scores");
const chosen = args.filter((a) => a !== "--scores");
for (const module of chosen) {
  if (!modules.includes(module)) {
    console.error(`not a mutated module: ${module}; one of:\n  ${modules.join("\n  ")}`);
    process.exit(2);
  }
}

let failed = false;
if (!scoresOnly) {
  for (const module of chosen.length > 0 ? chosen : modules) {
    console.log(`== mutation: ${module}`);
    const run = spawnSync("nice", ["-n", "15", "npx", "stryker", "run"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, MUTATION_MODULE: module },
    });
    if (run.status !== 0) {
      console.error(`stryker failed for ${module} (exit ${run.status ?? run.signal ?? "?"})`);
      failed = true;
    }
  }
}

const reports = modules.map((m) => join(reportDir, "modules", `${slug(m)}.json`)).filter((p) => existsSync(p));
if (reports.length === 0) {
  console.error("no module report yet under reports/mutation/modules/");
  process.exit(1);
}
const merged = mergeReports(reports.map(readReport));
mkdirSync(reportDir, { recursive: true });
writeFileSync(join(reportDir, "mutation.json"), JSON.stringify(merged));
const docs = join(root, "docs", "mutation.md");
const equivalent = equivalentKeys(existsSync(docs) ? readFileSync(docs, "utf8") : "");
console.log(`\n== mutation score per module (reports/mutation/mutation.json)\n${scoreTable(scoreModules(merged, equivalent))}`);
process.exit(failed ? 1 : 0);
