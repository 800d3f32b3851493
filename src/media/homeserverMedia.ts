/**
 * The homeserver's media repository, as the application service sees it (transport only):
 * downloads through the authenticated media API (`/_matrix/client/v1/media/download`, which works
 * where `/_matrix/media/v3/download` needs a login) and uploads as the bridge bot. Both carry the
 * as_token, which never leaves this object.
 */
export interface MediaRepository {
  /** Starts a download; the caller reads (or cancels) the body. Rejects when the homeserver cannot be reached. */
  download(server: string, mediaId: string, signal: AbortSignal): Promise<Response>;
  /** Uploads bytes as the bridge bot and returns their mxc:// URI; rejects on any failure. */
  upload(bytes: Uint8Array, contentType: string, filename: string): Promise<string>;
}

export class HomeserverMedia implements MediaRepository {
  constructor(
    private readonly baseUrl: string,
    private readonly asToken: string,
    private readonly requestTimeoutMs = 30000,
  ) {}

  download(server: string, mediaId: string, signal: AbortSignal): Promise<Response> {
    const url = `${this.base()}/_matrix/client/v1/media/download/${encodeURIComponent(server)}/${encodeURIComponent(mediaId)}?allow_redirect=true`;
    // identity: the bytes (and Content-Length) passed on are the file's, not a compressed form of it.
    return fetch(url, { headers: { Authorization: `Bearer ${this.asToken}`, "Accept-Encoding": "identity" }, signal, redirect: "follow" });
  }

  async upload(bytes: Uint8Array, contentType: string, filename: string): Promise<string> {
    const url = `${this.base()}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`;
    const res = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.asToken}`, "Content-Type": contentType },
      body: bytes,
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the homeserver refused the upload: ${res.status} ${text.slice(0, 200)}`);
    let uri: unknown;
    try {
      uri = (JSON.parse(text) as { content_uri?: unknown }).content_uri;
    } catch {
      uri = undefined;
    }
    if (typeof uri !== "string" || !uri.startsWith("mxc://")) throw new Error("the homeserver's upload answer has no content_uri");
    return uri;
  }

  private base(): string {
    return this.baseUrl.replace(/\/+$/, "");
  }
}
