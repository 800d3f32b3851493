/**
 * `node dist/scripts/cpuProfileSummary.js <file.cpuprofile> [top]`: where a CPU profile's time went
 * (self time by package / bridge directory / V8 entry such as "(garbage collector)", and by
 * function), from a profile the bench wrote (BENCH_CPU_PROF=1) or any node --cpu-prof output.
 */
import { readFileSync } from "node:fs";
import { formatCpuSummary, summarizeCpuProfile } from "./lib/cpuProfile";

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: cpuProfileSummary <file.cpuprofile> [top]\n");
  process.exit(2);
}
process.stdout.write(formatCpuSummary(summarizeCpuProfile(readFileSync(file, "utf8")), topArg === undefined ? 20 : Number(topArg)));
