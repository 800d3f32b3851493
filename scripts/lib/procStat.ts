import { readFileSync } from "node:fs";

/** Resident memory (bytes; all, and anonymous only), and CPU time used (ms; in all, and of it in the kernel) of a process, from /proc. */
export function procStat(pid: number): { rss: number; rssAnon: number; cpuMs: number; systemMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const anonKb = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return { rss: rssKb * 1024, rssAnon: anonKb * 1024, cpuMs: (ticks * 1000) / 100, systemMs: (Number(fields[12] ?? 0) * 1000) / 100 };
}
