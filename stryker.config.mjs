// StrykerJS configuration for `npm run mutation` (see docs/mutation.md). Not part of `npm test`.
// One module is mutated per Stryker run, against only the unit and handler tests listed for it in
// scripts/mutation/modules.json: the module comes from MUTATION_MODULE, set by scripts/mutation.ts.
// Test runner: Stryker's tap runner. Node 20 runs a node:test file directly (`node file.test.js`) and
// prints TAP, which the tap runner parses; its `-r hook` preload collects mutant coverage per test file,
// so each mutant runs only the test files that reach it. TypeScript: Stryker instruments src/*.ts in a
// sandbox (adding `// @ts-nocheck`), then `buildCommand` compiles the sandbox once with tsc to dist/.
import { readFileSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";

const modules = JSON.parse(readFileSync(new URL("./scripts/mutation/modules.json", import.meta.url), "utf8"));
delete modules._comment;
const module = process.env.MUTATION_MODULE;
if (module === undefined || modules[module] === undefined) {
  throw new Error(`MUTATION_MODULE must name one of: ${Object.keys(modules).join(", ")} (run \`npm run mutation\`)`);
}
const slug = module.replace(/^src\//, "").replace(/\.ts$/, "").replaceAll("/", "-");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [module],
  testRunner: "tap",
  tap: {
    testFiles: modules[module].map((t) => `dist/test/${t}.test.js`),
    // --test-force-exit: a test file that leaves a socket open must still end.
    nodeArgs: ["--test-reporter=tap", "--test-force-exit"],
  },
  buildCommand: "npx tsc -p tsconfig.json",
  coverageAnalysis: "perTest",
  concurrency: 1,
  timeoutMS: 5000,
  incremental: true,
  incrementalFile: `reports/mutation/incremental/${slug}.json`,
  reporters: ["json", "clear-text", "progress"],
  jsonReporter: { fileName: `reports/mutation/modules/${slug}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: "reports/mutation/.stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["dist", "data", "reports", "coverage", ".demo", "*.log"],
  thresholds: { high: 90, low: 85, break: null },
};
