/**
 * Heap held by the ghost caches (src/matrix/ghosts.ts) after N ghosts were seen, each joined to
 * one of 50 rooms, against a homeserver stub that answers at once. A script, not a test:
 *   node --expose-gc dist/scripts/ghostCacheMemory.js [ghosts=10000] [maxCached=10000]
 */
import { Ghosts } from "../src/matrix/ghosts";
import { MatrixApi } from "../src/matrix/matrixApi";

class InstantApi extends MatrixApi {
  constructor() {
    super("http://homeserver.invalid", "token");
  }
  override register(): Promise<void> {
    return Promise.resolve();
  }
  override setDisplayname(): Promise<void> {
    return Promise.resolve();
  }
  override join(roomId: string): Promise<string> {
    return Promise.resolve(roomId);
  }
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with node --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const seen = Number(process.argv[2] ?? 10000);
  const maxCached = Number(process.argv[3] ?? 10000);
  const api = new InstantApi();
  const before = heap();
  const ghosts = new Ghosts(api, "@bot:example.org", { maxCached, rate: undefined });
  for (let i = 0; i < seen; i++) {
    const nick = `someone${i}`;
    await ghosts.ensureJoined(`!room${i % 50}:example.org`, `@irc_${nick}:example.org`, nick);
  }
  const after = heap();
  const delta = after - before;
  console.log(
    `${seen} ghosts seen, maxCached ${maxCached}: cached ${JSON.stringify(ghosts.cached)}; heap +${(delta / 1024 / 1024).toFixed(2)} MiB (${Math.round(delta / Math.min(seen, maxCached))} bytes per cached ghost with one membership)`,
  );
}

void main();
