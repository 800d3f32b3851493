import assert from "node:assert/strict";
import { mkdtempSync, chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MediaLinks, linkPath, parseLinkPath, parseMxc, safeFilename } from "../../src/media/links";
import { MediaSigner, type SignedMedia } from "../../src/media/signing";
import { loadOrCreateMediaKey } from "../../src/media/signingKey";

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const NOW_S = 1_800_000_000;
const media: SignedMedia = { server: "example.org", mediaId: "AbCdEf123", expiry: NOW_S + 3600, filename: "cat.png" };

describe("media link signatures", () => {
  const signer = new MediaSigner(KEY);
  const sig = signer.sign(media);

  it("a link signed by the key is valid until its expiry, and expired after it", () => {
    assert.equal(signer.check(media, sig, NOW_S), "valid");
    assert.equal(signer.check(media, sig, media.expiry), "valid", "valid through its last second");
    assert.equal(signer.check(media, sig, media.expiry + 1), "expired");
  });

  it("changing any signed part, or the signature, makes it forged", () => {
    assert.equal(signer.check({ ...media, server: "evil.example" }, sig, NOW_S), "forged", "server");
    assert.equal(signer.check({ ...media, mediaId: "AbCdEf124" }, sig, NOW_S), "forged", "media id");
    assert.equal(signer.check({ ...media, expiry: media.expiry + 86400 }, sig, NOW_S), "forged", "a prolonged expiry");
    assert.equal(signer.check({ ...media, filename: "cat.html" }, sig, NOW_S), "forged", "filename");
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    assert.equal(signer.check(media, flipped, NOW_S), "forged", "one character of the signature");
    assert.equal(signer.check(media, sig.slice(0, -1), NOW_S), "forged", "a shortened signature");
    assert.equal(signer.check(media, sig + "A", NOW_S), "forged", "a lengthened signature");
    assert.equal(signer.check(media, "", NOW_S), "forged", "no signature");
  });

  it("an expired link with a tampered part is forged, not expired (the signature is checked first)", () => {
    assert.equal(signer.check({ ...media, mediaId: "x" }, sig, media.expiry + 10), "forged");
  });

  it("a link signed with another key is forged", () => {
    assert.equal(new MediaSigner(OTHER_KEY).check(media, sig, NOW_S), "forged");
    assert.notEqual(new MediaSigner(OTHER_KEY).sign(media), sig);
  });

  it("refuses a short key", () => {
    assert.throws(() => new MediaSigner(Buffer.alloc(16)), /at least 32 bytes/);
  });
});

describe("media link paths", () => {
  it("a link parses back to what was signed, with the filename last", () => {
    const signer = new MediaSigner(KEY);
    const links = new MediaLinks(signer, "https://bridge.example/", 600, () => NOW_S * 1000);
    const link = links.linkFor("mxc://example.org/AbCdEf123", "my cat.png");
    assert.ok(link !== undefined);
    assert.match(link, /^https:\/\/bridge\.example\/_ircbridge\/media\/v1\/example\.org\/AbCdEf123\/1800000600\/[A-Za-z0-9_-]{22}\/my%20cat\.png$/);
    const parsed = parseLinkPath(new URL(link).pathname);
    assert.ok(parsed !== undefined);
    assert.deepEqual(parsed.media, { server: "example.org", mediaId: "AbCdEf123", expiry: NOW_S + 600, filename: "my cat.png" });
    assert.equal(signer.check(parsed.media, parsed.signature, NOW_S), "valid");
  });

  it("a server with a port or an IPv6 literal round-trips", () => {
    for (const server of ["localhost:8448", "[::1]:8448", "192.0.2.1"]) {
      const m = { ...media, server };
      assert.deepEqual(parseLinkPath(linkPath(m, "sig"))?.media, m, server);
    }
  });

  it("what is not a link is not parsed", () => {
    for (const path of [
      "/_ircbridge/media/v1/example.org/abc/123/sig",
      "/_ircbridge/media/v1/example.org/abc/123/sig/a.png/extra",
      "/_ircbridge/media/v2/example.org/abc/123/sig/a.png",
      "/_ircbridge/media/v1/exa%2Fmple.org/abc/123/sig/a.png",
      "/_ircbridge/media/v1/example.org/a.b/123/sig/a.png",
      "/_ircbridge/media/v1/example.org/abc/12x/sig/a.png",
      "/_ircbridge/media/v1/example.org/abc/123/sig/a%00.png",
      "/_ircbridge/media/v1/example.org/abc/123/sig/%E0%A4%A",
      "/_ircbridge/media/v1/example.org/abc/123/si%2Bg/a.png",
    ]) {
      assert.equal(parseLinkPath(path), undefined, path);
    }
  });

  it("mxc URIs: only server/media-id with valid characters", () => {
    assert.deepEqual(parseMxc("mxc://example.org/abc_-1"), { server: "example.org", mediaId: "abc_-1" });
    for (const bad of ["mxc://example.org", "mxc://example.org/a/b", "https://example.org/abc", "mxc://ex ample.org/abc", "mxc://example.org/a.b"]) assert.equal(parseMxc(bad), undefined, bad);
  });

  it("filenames: the last path segment, no control characters, at most 80 characters with the extension kept", () => {
    assert.equal(safeFilename("../../etc/passwd"), "passwd");
    assert.equal(safeFilename("a\r\nb.txt"), "ab.txt");
    assert.equal(safeFilename(""), "file");
    assert.equal(safeFilename(".."), "file");
    const spaced = safeFilename("a".repeat(79) + " b".repeat(10));
    assert.equal(safeFilename(spaced), spaced, "a cut name is its own safe name (a link to it is not refused)");
    assert.equal(parseMxc("mxc://../config"), undefined, "a server of dots only would walk up the homeserver's media path");
    assert.equal(parseMxc("mxc://./config"), undefined);
    const long = safeFilename("x".repeat(200) + ".jpeg");
    assert.equal(long.length, 80);
    assert.ok(long.endsWith(".jpeg"));
  });
});

describe("the media signing key file", () => {
  it("is made once with mode 0600 and read back the same on the next start", () => {
    const dir = mkdtempSync(join(tmpdir(), "mediakey-"));
    const path = join(dir, "media-signing.key");
    const first = loadOrCreateMediaKey(path);
    assert.equal(first.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const again = loadOrCreateMediaKey(path);
    assert.deepEqual(again, first);
    assert.equal(readFileSync(path, "utf8").trim(), first.toString("hex"));
  });

  it("refuses a key file others may read, or that holds no key, naming the file but not the key", () => {
    const dir = mkdtempSync(join(tmpdir(), "mediakey-"));
    const path = join(dir, "k");
    writeFileSync(path, "ab".repeat(32), { mode: 0o644 });
    chmodSync(path, 0o644);
    assert.throws(() => loadOrCreateMediaKey(path), (err: Error) => err.message.includes("chmod 600") && !err.message.includes("abab"));
    const bad = join(dir, "bad");
    writeFileSync(bad, "not a key", { mode: 0o600 });
    assert.throws(() => loadOrCreateMediaKey(bad), /32 to 64 bytes/);
  });

  it("without a path (in-memory datastore), a fresh key each time", () => {
    assert.notDeepEqual(loadOrCreateMediaKey(undefined), loadOrCreateMediaKey(undefined));
  });
});
