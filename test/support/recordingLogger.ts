import { Writable } from "node:stream";
import winston from "winston";
import { createLogger, type Logger } from "../../src/observability/logger";

/** A logger at debug level whose every line is kept, as JSON (to show that no secret is ever in one). */
export function recordingLogger(): { readonly log: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", file: undefined });
  log.clear();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  // winston's typings declare its transports through a second copy of TransportStream's class.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  log.add(new winston.transports.Stream({ stream, format: winston.format.json() }));
  return { log, lines };
}
