/**
 * The last lines every bridge process of this test file printed, each marked with its pid: a
 * timed-out wait shows them in its error, so a failure on CI (where only the test output is kept)
 * tells what the bridge was doing, across a restart too.
 */
const KEPT = 40;
const recent: string[] = [];

export function keepBridgeLine(pid: number, line: string): void {
  recent.push(`[bridge ${pid}] ${line}`);
  if (recent.length > KEPT) recent.splice(0, recent.length - KEPT);
}

/** The kept lines, as a block to append to an error message ("" when no bridge printed anything). */
export function bridgeTail(): string {
  return recent.length === 0 ? "" : `\nthe bridge's last lines:\n${recent.join("\n")}`;
}
