import { createLogger, type Logger } from "../../src/observability/logger";

export function silentLogger(): Logger {
  const log = createLogger({ level: "error", file: undefined });
  log.silent = true;
  return log;
}
