import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The bridge's version, from the package.json at the package root (read at run time: the build
 * does not copy package.json into dist/, and the Docker image ships it next to dist/).
 */
export function readBridgeVersion(packageJson = join(__dirname, "..", "..", "..", "package.json")): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, "utf8"));
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") return parsed.version;
  } catch {
    // fall through: a missing or broken package.json must not stop the bridge
  }
  return "unknown";
}
