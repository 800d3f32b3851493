import winston from "winston";

export type Logger = winston.Logger;

export interface LoggingSettings {
  readonly level: "error" | "warn" | "info" | "debug";
  readonly file: string | undefined;
}

/**
 * The root logger. Modules take child loggers (`logger.child({ module, room, channel, user })`) so
 * every line carries where it came from. Secrets (tokens, passwords, channel keys) are never passed in.
 */
export function createLogger(settings: LoggingSettings, extraTransports: winston.transport[] = []): Logger {
  const line = winston.format.printf((info) => {
    const { level, message, timestamp, ...meta } = info;
    const fields = Object.entries(meta)
      .filter(([k]) => typeof k === "string")
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${String(timestamp)} ${level} ${String(message)}${fields ? " " + fields : ""}`;
  });
  // winston's typings declare its transports through a second copy of TransportStream's class.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const transports: winston.transport[] = [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  if (settings.file !== undefined) transports.push(new winston.transports.File({ filename: settings.file }));
  return winston.createLogger({
    level: settings.level,
    format: winston.format.combine(winston.format.timestamp(), line),
    transports: [...transports, ...extraTransports],
  });
}
