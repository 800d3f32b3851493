/** The value of an unlabelled sample `name` in Prometheus text exposition, or NaN when absent. */
export function promValue(text: string, name: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === name) return Number(value);
  }
  return NaN;
}

/** The bridge's V8 heap used (prom-client's nodejs_heap_size_used_bytes, under the bridge's prefix), NaN when /metrics does not answer. */
export async function heapUsed(metricsPort: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5000) });
    return promValue(await res.text(), "ircbridge_process_nodejs_heap_size_used_bytes");
  } catch {
    return NaN;
  }
}
