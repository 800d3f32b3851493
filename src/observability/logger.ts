import winston from "winston";

export type Logger = winston.Logger;

export interface LoggingSettings {
  readonly level: "error" | "warn" | "info" | "debug";
  /** "text": `time level message key=value...`; "json": one JSON object per line. */
  readonly format?: "text" | "json";
  readonly file: string | undefined;
  /** Rotate the file when it reaches this many bytes (0: never). */
  readonly fileMaxBytes?: number;
  /** Files kept in all with rotation (bridge.log, then bridge1.log, bridge2.log, ... oldest last). */
  readonly fileMaxFiles?: number;
}

const TEXT = winston.format.printf((info) => {
  const { level, message, timestamp, ...meta } = info;
  const fields = Object.entries(meta)
    .filter(([k]) => typeof k === "string")
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${String(timestamp)} ${level} ${String(message)}${fields ? " " + fields : ""}`;
});

function loggerOptions(settings: LoggingSettings, extraTransports: winston.transport[]): winston.LoggerOptions {
  // winston's typings declare its transports through a second copy of TransportStream's class.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const transports: winston.transport[] = [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })];
  const { file, fileMaxBytes: maxsize = 0, fileMaxFiles: maxFiles = 5 } = settings;
  if (file !== undefined) {
    const rotation = maxsize > 0 ? { maxsize, maxFiles, tailable: true } : {};
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports.push(new winston.transports.File({ filename: file, ...rotation }));
  }
  return {
    level: settings.level,
    format: winston.format.combine(winston.format.timestamp(), settings.format === "json" ? winston.format.json() : TEXT),
    transports: [...transports, ...extraTransports],
  };
}

/**
 * The root logger. Modules take child loggers (`logger.child({ module, room, channel, user })`) so
 * every line carries where it came from. Secrets (tokens, passwords, channel keys) are never passed in.
 */
export function createLogger(settings: LoggingSettings, extraTransports: winston.transport[] = []): Logger {
  return skipDisabledLevels(winston.createLogger(loggerOptions(settings, extraTransports)));
}

const LEVELS = ["error", "warn", "info", "debug"] as const;

/**
 * winston builds, merges and formats (timestamp included) every entry before its transports drop
 * those below the level: an info line at level warn cost ~0.15 ms. The level methods of the root
 * (which its children inherit: `child()` makes an object whose prototype is the root) first ask
 * `isLevelEnabled`, read at each call, so a SIGHUP that changes the level applies at once.
 */
function skipDisabledLevels(logger: Logger): Logger {
  for (const level of LEVELS) {
    const write = logger[level];
    const guarded: winston.LeveledLogMethod = function (this: Logger, ...args: unknown[]): Logger {
      return this.isLevelEnabled(level) ? (Reflect.apply(write, this, args) as Logger) : this;
    };
    logger[level] = guarded;
  }
  return logger;
}

/** New settings for a running root logger (SIGHUP): its child loggers follow, as they write through it. */
export function configureLogger(logger: Logger, settings: LoggingSettings, extraTransports: winston.transport[] = []): void {
  // configure() only unpipes the old transports: a file's stream is closed here, not leaked at each reload.
  const old = [...logger.transports];
  logger.configure(loggerOptions(settings, extraTransports));
  for (const transport of old) transport.close?.();
}
