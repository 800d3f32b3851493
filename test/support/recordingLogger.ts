import { Writable } from "node:stream";
import winston from "winston";
import type { Logger } from "../../src/observability/logger";

/** One logged entry: its level, message and fields, and all of it as text (to look for secrets in). */
export interface LoggedLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly text: string;
}

/** A logger (every level) that records what it logs; `settled()` waits until winston handed it over. */
export function recordingLogger(): { log: Logger; lines: LoggedLine[]; settled: () => Promise<void> } {
  const lines: LoggedLine[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: string } & Record<string, unknown>, _enc, done) {
      const { level, message, ...fields } = info;
      lines.push({ level, message, fields, text: `${level} ${message} ${JSON.stringify(fields)}` });
      done();
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const transport: winston.transport = new winston.transports.Stream({ stream });
  const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { log: winston.createLogger({ level: "debug", transports: [transport] }), lines, settled };
}
