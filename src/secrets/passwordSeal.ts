/**
 * Seals the IRC passwords users store (!storepass) with AES-256-GCM, an authenticated cipher, under
 * a key read from the operator's key file. A sealed password is bound to its network and user (the
 * associated data), so a sealed value copied to another user's record does not open. The key never
 * leaves this object; plaintext passwords are never logged.
 *
 * Key file: 32 bytes, as 64 hex characters or as base64 (whitespace around it is ignored).
 * Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"
 * It must be private: a key file that group or others may read or write (mode & 0o077), or that
 * belongs to another user than the one running the bridge, is refused before it is read, so the
 * bridge does not start on a key someone else may have read or replaced.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

const PREFIX = "v1:";

export class PasswordSeal {
  private constructor(private readonly key: Buffer) {}

  /** Reads the key file; throws an Error naming the problem (not the key). */
  static fromFile(path: string): PasswordSeal {
    checkPrivate(path);
    let text: string;
    try {
      text = readFileSync(path, "utf8").trim();
    } catch (err) {
      throw new Error(`cannot read the password key file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return new PasswordSeal(parseKey(text, path));
  }

  static fromKey(key: Buffer): PasswordSeal {
    if (key.length !== 32) throw new Error("a password key must be 32 bytes");
    return new PasswordSeal(Buffer.from(key));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
  }

  /** The plaintext; throws when the value was not sealed with this key for this context. */
  open(sealed: string, context: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error("not a sealed password");
    const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
    if (raw.length < 12 + 16) throw new Error("a sealed password is too short");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
  }
}

/** Throws when the key file is missing, or others may read or change it. */
export function checkPrivate(path: string): void {
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch (err) {
    throw new Error(`cannot read the password key file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(`the password key file ${path} may be read or written by group or others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): run chmod 600 ${path}`);
  }
  const me = process.getuid?.();
  if (me !== undefined && uid !== me) {
    throw new Error(`the password key file ${path} belongs to uid ${uid}, not to the user running the bridge (uid ${me}): run chown ${me} ${path} and chmod 600 ${path}`);
  }
}

function parseKey(text: string, path: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  const b64 = Buffer.from(text, "base64");
  if (b64.length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(text)) return b64;
  throw new Error(`the password key file ${path} must hold 32 bytes as 64 hex characters or base64`);
}

/** The associated data a user's password is sealed under. */
export function sealContext(network: string, userId: string): string {
  return `ircbridge-password\u0000${network}\u0000${userId}`;
}

/** The associated data a user's client certificate key (!certfp) is sealed under. */
export function certificateKeyContext(network: string, userId: string): string {
  return `ircbridge-certificate-key\u0000${network}\u0000${userId}`;
}

/** The associated data a connection's key for a channel is sealed under (whose it is: a user, or the bot). */
export function channelKeyContext(network: string, user: string, foldedChannel: string): string {
  return `ircbridge-channel-key-v2\u0000${network}\u0000${user}\u0000${foldedChannel}`;
}
