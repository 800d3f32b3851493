/** The value of an unlabelled sample `name` in Prometheus text exposition, or NaN when absent. */
export function promValue(text: string, name: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === name) return Number(value);
  }
  return NaN;
}

/** The bridge's V8 heap (used and reserved) and memory held outside it by JS objects (Buffers), in bytes. */
export interface HeapFigures {
  readonly used: number;
  readonly total: number;
  readonly external: number;
  /** Of `total`, V8's young generation (new space): sized by V8 to the allocation rate, not to what is kept. */
  readonly young: number;
}

/** prom-client's nodejs_heap_size_{used,total}_bytes and nodejs_external_memory_bytes from the bridge's /metrics (its prefix); NaN when it does not answer. */
export async function heapFigures(metricsPort: number): Promise<HeapFigures> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const value = (name: string) => promValue(text, `ircbridge_process_nodejs_${name}`);
    return { used: value("heap_size_used_bytes"), total: value("heap_size_total_bytes"), external: value("external_memory_bytes"), young: value('heap_space_size_total_bytes{space="new"}') };
  } catch {
    return { used: NaN, total: NaN, external: NaN, young: NaN };
  }
}

/** The bridge's V8 heap used, NaN when /metrics does not answer. */
export async function heapUsed(metricsPort: number): Promise<number> {
  return (await heapFigures(metricsPort)).used;
}
