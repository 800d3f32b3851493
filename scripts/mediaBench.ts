/**
 * Media proxy throughput: serves a file from the test Synapse through the bridge's media proxy
 * (media/mediaProxy.ts: signed link -> authenticated media API -> streamed to the client) and
 * reports MB/s per run and the process's peak RSS above its level before the first download.
 *
 *   npm run -s build && node dist/scripts/mediaBench.js [MiB=32] [runs=5]
 *
 * Needs the test environment up (bash scripts/testenv.sh up). Uses the sample bridge's as_token
 * to upload and download; changes nothing in the registration.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import yaml from "js-yaml";
import { HomeserverMedia } from "../src/media/homeserverMedia";
import { MediaLinks } from "../src/media/links";
import { MediaProxy } from "../src/media/mediaProxy";
import { MediaSigner } from "../src/media/signing";
import { createLogger } from "../src/observability/logger";
import { close, listen } from "../src/util/http";
import { testenv } from "./lib/testenv";

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? "32");
  const runs = Number(process.argv[3] ?? "5");
  const registration = yaml.load(readFileSync(join(testenv.appserviceDir, "sample.yaml"), "utf8")) as { as_token: string };
  const repository = new HomeserverMedia(testenv.synapseUrl, registration.as_token, 120000);
  const file = randomBytes(mib * 1024 * 1024);
  const mxc = await repository.upload(file, "application/octet-stream", "bench.bin");
  const signer = new MediaSigner(randomBytes(32));
  const proxy = new MediaProxy({ signer, repository, maxBytes: 1024 * 1024 * 1024, log: createLogger({ level: "error", file: undefined }) });
  const server = createServer((req, res) => void proxy.handle(req, res));
  await listen(server, "127.0.0.1", 0);
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const link = new MediaLinks(signer, `http://127.0.0.1:${port}`, 600).linkFor(mxc, "bench.bin") ?? "";
  // Drop the uploaded copy: what stays in memory from here is the proxy's (and the client's) doing.
  file.fill(0);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(link);
    let bytes = 0;
    for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (res.status !== 200 || bytes !== mib * 1024 * 1024) throw new Error(`run ${i + 1}: status ${res.status}, ${bytes} bytes`);
    rates.push(bytes / 1e6 / seconds);
    process.stdout.write(`run ${i + 1}: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s\n`);
  }
  clearInterval(sampler);
  const sorted = [...rates].sort((a, b) => a - b);
  process.stdout.write(
    `file ${mib} MiB, ${runs} runs: median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} MB/s (min ${(sorted[0] ?? 0).toFixed(1)}, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)}); ` +
      `peak RSS ${(peak / 1048576).toFixed(1)} MiB, ${((peak - baseline) / 1048576).toFixed(1)} MiB above the level before the first download\n`,
  );
  await close(server);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
