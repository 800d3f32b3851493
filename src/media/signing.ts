import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed, expiring media links: what a link names and the signature that makes it valid.
 *
 * Guarantees:
 * - A signature is HMAC-SHA256 under the bridge's media key over (version, mxc server, media id,
 *   expiry, filename), each part separated by NUL (which none of them may hold), truncated to 128
 *   bits (RFC 2104 allows truncation to at least half the hash; 128 bits cannot be guessed) and
 *   written as base64url. Changing any part, or signing with another key, gives another signature.
 * - `check` compares signatures in constant time (timingSafeEqual over equal-length digests), and
 *   checks the signature before the expiry: a link whose expiry was moved is "forged", not "expired".
 * Not guaranteed: revocation of one link before it expires (replacing the key revokes them all).
 */
export interface SignedMedia {
  /** The server of the mxc:// URI. */
  readonly server: string;
  readonly mediaId: string;
  /** Unix time in seconds after which the link no longer works. */
  readonly expiry: number;
  /** The name shown to IRC users and given to the download. */
  readonly filename: string;
}

export type LinkCheck = "valid" | "forged" | "expired";

const SIG_BYTES = 16;

export class MediaSigner {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error("a media signing key must be at least 32 bytes");
    this.key = Buffer.from(key);
  }

  sign(media: SignedMedia): string {
    return this.digest(media).toString("base64url");
  }

  /** Whether `signature` was made by this key for `media`, and whether it is still valid at `nowSeconds`. */
  check(media: SignedMedia, signature: string, nowSeconds: number): LinkCheck {
    const given = Buffer.from(signature, "base64url");
    const expected = this.digest(media);
    // Buffer.from(base64url) ignores characters it does not know: insist on the canonical form.
    if (given.length !== expected.length || given.toString("base64url") !== signature) return "forged";
    if (!timingSafeEqual(given, expected)) return "forged";
    return nowSeconds > media.expiry ? "expired" : "valid";
  }

  private digest(media: SignedMedia): Buffer {
    const parts = ["ircbridge-media-v1", media.server, media.mediaId, String(media.expiry), media.filename];
    if (parts.some((p) => p.includes("\0"))) throw new Error("a media link part holds NUL");
    return createHmac("sha256", this.key).update(parts.join("\0"), "utf8").digest().subarray(0, SIG_BYTES);
  }
}
