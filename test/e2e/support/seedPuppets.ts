import { join } from "node:path";
import { openNedbStore } from "../../../src/store/nedbStore";
import { testenv } from "../../../scripts/lib/testenv";

/**
 * Writes `count` Matrix users' connections into a bridge's (stopped) datastore, each in `channel`,
 * as a bridge that ran before would have left them: the next start reconnects them all. Faster
 * than registering hundreds of Matrix users, and the same code path as a restart.
 */
export async function seedPuppets(configDir: string, network: string, prefix: string, count: number, channel: string): Promise<string[]> {
  const store = await openNedbStore(join(configDir, "data"));
  const nicks: string[] = [];
  for (let i = 0; i < count; i++) {
    const nick = `${prefix}${i}`;
    nicks.push(nick);
    await store.puppets.put({ userId: `@${nick}:${testenv.domain}`, network, nick, username: nick.slice(0, 10), channels: [channel], nickNote: undefined });
  }
  await store.close();
  return nicks;
}

/** One sample of a Prometheus metric from a bridge's /metrics (summed over label sets matching `labels`). */
export async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const set = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
