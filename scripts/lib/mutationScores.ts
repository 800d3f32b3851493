/**
 * Reads Stryker's JSON reports (mutation-testing-report-schema) and computes the score per module:
 * detected (killed + timeout) over valid mutants (detected + survived + no coverage), as Stryker does;
 * compile and runtime errors and ignored mutants do not count. Survivors that docs/mutation.md lists as
 * equivalent (by file:line:column and mutator) are counted apart, so a survivor nobody has judged
 * stands out.
 */
import { readFileSync } from "node:fs";

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export interface ReportFile {
  language: string;
  source: string;
  mutants: ReportMutant[];
}

export interface MutationReport {
  schemaVersion: string;
  thresholds: { high: number; low: number };
  files: Record<string, ReportFile>;
  testFiles?: Record<string, unknown>;
  projectRoot?: string;
  [key: string]: unknown;
}

export interface ModuleScore {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  errors: number;
  equivalent: number;
  /** Percent of valid mutants detected; undefined when the module has no valid mutant. */
  score: number | undefined;
  /** The same, with the documented equivalent survivors left out of the valid mutants. */
  scoreWithoutEquivalent: number | undefined;
  undocumented: string[];
}

/** "src/broker/accountBook.ts:30:9 ConditionalExpression": how docs/mutation.md names a mutant. */
export function mutantKey(file: string, m: ReportMutant): string {
  return `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
}

/** The keys of the mutants listed as equivalent in docs/mutation.md: table rows starting "| `file:line:col` | Mutator |". */
export function equivalentKeys(markdown: string): Set<string> {
  const keys = new Set<string>();
  for (const match of markdown.matchAll(/^\|\s*`([^`]+:\d+:\d+)`\s*\|\s*(\w+)\s*\|/gm)) {
    keys.add(`${match[1]} ${match[2]}`);
  }
  return keys;
}

function percent(part: number, whole: number): number | undefined {
  return whole === 0 ? undefined : Math.round((1000 * part) / whole) / 10;
}

export function scoreModules(report: MutationReport, equivalent: Set<string>): ModuleScore[] {
  return Object.entries(report.files)
    .map(([file, body]) => {
      const count = (status: string): number => body.mutants.filter((m) => m.status === status).length;
      const survivors = body.mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage");
      const undocumented = survivors.filter((m) => !equivalent.has(mutantKey(file, m)));
      const killed = count("Killed");
      const timeout = count("Timeout");
      const detected = killed + timeout;
      const valid = detected + survivors.length;
      const equivalentCount = survivors.length - undocumented.length;
      return {
        file,
        killed,
        timeout,
        survived: count("Survived"),
        noCoverage: count("NoCoverage"),
        errors: count("CompileError") + count("RuntimeError"),
        equivalent: equivalentCount,
        score: percent(detected, valid),
        scoreWithoutEquivalent: percent(detected, valid - equivalentCount),
        undocumented: undocumented.map((m) => `${mutantKey(file, m)} -> ${m.replacement ?? "?"}`),
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** Merges per-module reports into one (each module's files are its own). */
export function mergeReports(reports: MutationReport[]): MutationReport {
  const [first] = reports;
  if (first === undefined) throw new Error("no mutation report to merge");
  const merged: MutationReport = { ...first, files: {}, testFiles: {} };
  for (const report of reports) {
    Object.assign(merged.files, report.files);
    Object.assign(merged.testFiles ?? {}, report.testFiles ?? {});
  }
  return merged;
}

export function readReport(path: string): MutationReport {
  return JSON.parse(readFileSync(path, "utf8")) as MutationReport;
}

function cell(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(1);
}

export function scoreTable(scores: ModuleScore[]): string {
  const all = scores.reduce(
    (sum, s) => ({
      detected: sum.detected + s.killed + s.timeout,
      valid: sum.valid + s.killed + s.timeout + s.survived + s.noCoverage,
      equivalent: sum.equivalent + s.equivalent,
    }),
    { detected: 0, valid: 0, equivalent: 0 },
  );
  const header = ["module", "score %", "w/o equiv %", "killed", "timeout", "survived", "no cov", "equiv", "errors"];
  const rows = scores.map((s) => [
    s.file,
    cell(s.score),
    cell(s.scoreWithoutEquivalent),
    String(s.killed),
    String(s.timeout),
    String(s.survived),
    String(s.noCoverage),
    String(s.equivalent),
    String(s.errors),
  ]);
  rows.push(["all", cell(percent(all.detected, all.valid)), cell(percent(all.detected, all.valid - all.equivalent)), "", "", "", "", String(all.equivalent), ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const out = [line(header), ...rows.map(line)];
  const undocumented = scores.flatMap((s) => s.undocumented);
  if (undocumented.length > 0) {
    out.push("", `survivors neither killed nor listed as equivalent in docs/mutation.md (${undocumented.length}):`, ...undocumented.map((u) => `  ${u}`));
  }
  return out.join("\n");
}
