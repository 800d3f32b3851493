import type { MediaSigner, SignedMedia } from "./signing";

/**
 * The bridge's media links:
 *   <publicUrl>/_ircbridge/media/v1/<server>/<mediaId>/<expiry>/<signature>/<filename>
 * The filename comes last, so IRC users see what they are about to open. Every part is
 * percent-encoded; a link parses back to exactly what was signed (see signing.ts).
 */
export const MEDIA_PREFIX = "/_ircbridge/media";
const VERSION = "v1";

/** A server name as it may appear in an mxc:// URI (host, IPv4, [IPv6], optional port). */
const SERVER = /^(?:(?=[A-Za-z0-9.-]*[A-Za-z0-9])[A-Za-z0-9.-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
/** A media id: the Matrix spec allows A-Z a-z 0-9 _ and -. */
const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;
const MAX_FILENAME_CHARS = 80;

export interface MxcUri {
  readonly server: string;
  readonly mediaId: string;
}

/** The server and media id of an mxc:// URI; undefined when it is not one. */
export function parseMxc(uri: string): MxcUri | undefined {
  const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(uri);
  if (match === null) return undefined;
  const [, server = "", mediaId = ""] = match;
  return SERVER.test(server) && MEDIA_ID.test(mediaId) ? { server, mediaId } : undefined;
}

/**
 * A filename safe to put in a link and a Content-Disposition header: the last path segment,
 * without control characters, at most 80 characters (the extension kept); "file" when nothing is left.
 */
export function safeFilename(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const base = (name.split(/[/\\]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (base === "" || base === "." || base === "..") return "file";
  const chars = Array.from(base);
  if (chars.length <= MAX_FILENAME_CHARS) return base;
  const dot = base.lastIndexOf(".");
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : "";
  return chars.slice(0, MAX_FILENAME_CHARS - Array.from(ext).length).join("").trimEnd() + ext;
}

/** The path of a signed link (from "/_ircbridge/..."). */
export function linkPath(media: SignedMedia, signature: string): string {
  const parts = [media.server, media.mediaId, String(media.expiry), signature, media.filename].map(encodeURIComponent);
  return `${MEDIA_PREFIX}/${VERSION}/${parts.join("/")}`;
}

/** A link's parts, or undefined when the path is not one of ours (a malformed link). */
export function parseLinkPath(path: string): { readonly media: SignedMedia; readonly signature: string } | undefined {
  if (!path.startsWith(`${MEDIA_PREFIX}/${VERSION}/`)) return undefined;
  const raw = path.slice(MEDIA_PREFIX.length + VERSION.length + 2).split("/");
  if (raw.length !== 5) return undefined;
  let parts: string[];
  try {
    parts = raw.map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [server = "", mediaId = "", expiry = "", signature = "", filename = ""] = parts;
  if (!SERVER.test(server) || !MEDIA_ID.test(mediaId) || !/^\d{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]{1,64}$/.test(signature)) return undefined;
  if (filename === "" || filename !== safeFilename(filename)) return undefined;
  return { media: { server, mediaId, expiry: Number(expiry), filename }, signature };
}

/** Makes signed links to homeserver media, valid for `ttlSeconds` from when they are made. */
export class MediaLinks {
  constructor(
    private readonly signer: MediaSigner,
    /** Where IRC users reach the bridge's listener, without a trailing slash. */
    private readonly publicUrl: string,
    private readonly ttlSeconds: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A link to an mxc:// URI under `filename`; undefined when `mxc` is not a valid mxc:// URI. */
  linkFor(mxc: string, filename: string): string | undefined {
    const parsed = parseMxc(mxc);
    if (parsed === undefined) return undefined;
    const media: SignedMedia = { ...parsed, expiry: Math.floor(this.nowMs() / 1000) + this.ttlSeconds, filename: safeFilename(filename) };
    return this.publicUrl.replace(/\/+$/, "") + linkPath(media, this.signer.sign(media));
  }
}
