/** An `openIdOverrides` entry: where to ask a server instead of discovering it (config/schema.ts). */
export interface Override {
  readonly scheme: "http" | "https";
  readonly host: string;
  readonly port: number;
}

/** An override's URL as a connection target; throws with the failing value (config validation uses it). */
export function parseOverride(url: string): Override {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`${JSON.stringify(url)} is not an http or https URL`);
  const scheme = parsed.protocol === "http:" ? "http" : "https";
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return { scheme, host, port: parsed.port === "" ? (scheme === "http" ? 80 : 443) : Number(parsed.port) };
}

/** Why a config value is no override URL, or undefined. */
export function overrideProblem(url: string): string | undefined {
  try {
    parseOverride(url);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
