import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";

/**
 * The key that signs media links (signing.ts), kept in a file that only the bridge's user may read.
 *
 * Guarantees:
 * - The first start creates the file with 32 random bytes (as hex), mode 0600, and never
 *   overwrites an existing file (exclusive create: two starts at once end up with one key).
 * - A key file that group or others may read or write, that belongs to another user, or that does
 *   not hold 32 to 64 bytes in hex is refused with an error naming the file and the fix, never the key.
 * - Links stay valid across restarts while the file is kept; deleting it revokes every link.
 * Without a file (in-memory datastore: tests), a fresh random key is used for the process.
 */
export function loadOrCreateMediaKey(path: string | undefined): Buffer {
  if (path === undefined) return randomBytes(32);
  try {
    writeFileSync(path, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if (!(err instanceof Error && "code" in err && err.code === "EEXIST")) {
      throw new Error(`cannot create the media signing key file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  checkPrivate(path);
  const text = readFileSync(path, "utf8").trim();
  if (!/^(?:[0-9a-fA-F]{2}){32,64}$/.test(text)) throw new Error(`the media signing key file ${path} must hold 32 to 64 bytes as hex characters (delete it to have a new one made)`);
  return Buffer.from(text, "hex");
}

function checkPrivate(path: string): void {
  const { mode, uid } = statSync(path);
  if ((mode & 0o077) !== 0) {
    throw new Error(`the media signing key file ${path} may be read or written by group or others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): run chmod 600 ${path}`);
  }
  const me = process.getuid?.();
  if (me !== undefined && uid !== me) throw new Error(`the media signing key file ${path} belongs to uid ${uid}, not to the user running the bridge (uid ${me})`);
}
