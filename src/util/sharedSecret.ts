import { createHash, timingSafeEqual } from "node:crypto";

/**
 * A token the bridge expects (hs_token, the provisioning secret), compared in constant time: both
 * sides are hashed first, so neither the length nor a common prefix leaks through the timing. The
 * token itself is not kept, only its SHA-256.
 */
export class SharedSecret {
  private readonly expected: Buffer;

  constructor(secret: string) {
    this.expected = digest(secret);
  }

  matches(given: string): boolean {
    return timingSafeEqual(digest(given), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
