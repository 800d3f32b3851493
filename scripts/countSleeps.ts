/**
 * Counts the fixed sleeps before assertions in test/: an awaited fixed wait (`await sleep(...)` or
 * `await new Promise((r) => setTimeout(r, N))`) that is not the body of a polling loop, with an
 * assertion within the next few lines. Such a wait is a guess at how long something takes: it makes a
 * test slow when the guess is generous and flaky (or blind) when it is not. Prefer awaiting the event,
 * and assert an absence only after a positive control (docs: README, "Contributing").
 *
 * Prints the count per file and the total. Run with `npm run -s sleeps`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..", "..");
const LOOKAHEAD = 6;
const fixedWait = /await\s+(?:sleep\(|new Promise\b.*setTimeout\()/;
const pollingLoop = /^\s*(?:for|while)\b|^\s*}\s*while\b/;
const assertion = /\bassert(?:\.|\()|\bexpect\(/;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Line numbers (1-based) of the fixed sleeps followed by an assertion in one source text. */
export function fixedSleepsBeforeAssertions(source: string): number[] {
  const lines = source.split("\n");
  const found: number[] = [];
  // A rough block stack (one entry per `{`): true where the block is a loop's body. A wait that is the
  // body of a loop paces or polls (`while (!done) await sleep(10)`): it is not a guess before an assert.
  const blocks: boolean[] = [];
  lines.forEach((line, i) => {
    const previous = lines[i - 1] ?? "";
    const inLoop = blocks[blocks.length - 1] === true || (pollingLoop.test(previous) && !previous.trimEnd().endsWith("{"));
    if (fixedWait.test(line) && !pollingLoop.test(line) && !inLoop) {
      if (lines.slice(i + 1, i + 1 + LOOKAHEAD).some((next) => assertion.test(next))) found.push(i + 1);
    }
    for (const ch of line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, "")) {
      if (ch === "{") blocks.push(pollingLoop.test(line) || /^\s*do\b/.test(line));
      else if (ch === "}") blocks.pop();
    }
  });
  return found;
}

if (require.main === module) {
  let total = 0;
  for (const file of filesUnder(join(root, "test")).sort()) {
    const found = fixedSleepsBeforeAssertions(readFileSync(file, "utf8"));
    if (found.length === 0) continue;
    total += found.length;
    process.stdout.write(`${relative(root, file)}: ${found.length} (lines ${found.join(", ")})\n`);
  }
  process.stdout.write(`total: ${total}\n`);
}
