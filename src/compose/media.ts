import type { Metrics } from "../observability/metrics";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BridgeConfig } from "../config/schema";
import { ConfigError } from "../config/validate";
import { errorText } from "../errors";
import type { MediaHooks } from "../fromMatrix/context";
import type { MatrixApi } from "../matrix/matrixApi";
import { HomeserverMedia } from "../media/homeserverMedia";
import { MediaLinks } from "../media/links";
import { MediaProxy } from "../media/mediaProxy";
import { MediaSigner } from "../media/signing";
import { loadOrCreateMediaKey } from "../media/signingKey";
import type { Logger } from "../observability/logger";
import type { RoomQueues } from "../rooms/roomQueues";

/** The media settings, read from the config when the App is built (no I/O). */
export interface MediaSettings {
  readonly publicUrl: string;
  readonly ttlSeconds: number;
  readonly maxBytes: number;
  /** Where the signing key lives; undefined: a new key for this process (in-memory datastore). */
  readonly keyPath: string | undefined;
}

export function mediaSettings(config: BridgeConfig, registrationUrl: string): MediaSettings {
  const { publicUrl, ttlSeconds, maxBytes, signingKeyPath } = config.mediaProxy;
  const datastore = config.datastore.path;
  return {
    publicUrl: publicUrl ?? registrationUrl,
    ttlSeconds,
    maxBytes,
    keyPath: signingKeyPath ?? (datastore === undefined ? undefined : join(datastore, "media-signing.key")),
  };
}

export interface MediaDeps {
  readonly settings: MediaSettings;
  readonly homeserverUrl: string;
  readonly asToken: string;
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly botUserId: string;
  /** Whether the bridge bot is not in the room (a private-message room): then the room's ghost speaks. */
  readonly isPmRoom: (roomId: string) => boolean;
  readonly pmNotice: (roomId: string, text: string) => void;
  readonly botNotice: (roomId: string, text: string) => void;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/**
 * Builds the media links (signing key loaded or made on first start), the proxy mounted on the
 * appservice listener, and the hooks the Matrix handlers use. Reads (or writes) the key file.
 */
export function mediaService(deps: MediaDeps): { readonly hooks: MediaHooks; readonly proxy: MediaProxy } {
  const { settings, log } = deps;
  if (settings.keyPath !== undefined) mkdirSync(dirname(settings.keyPath), { recursive: true, mode: 0o700 });
  let key: Buffer;
  try {
    key = loadOrCreateMediaKey(settings.keyPath);
  } catch (err) {
    throw new ConfigError("the config", [{ path: "mediaProxy.signingKeyPath", message: errorText(err) }]);
  }
  const signer = new MediaSigner(key);
  const links = new MediaLinks(signer, settings.publicUrl, settings.ttlSeconds);
  const repository = new HomeserverMedia(deps.homeserverUrl, deps.asToken);
  const proxy = new MediaProxy({
    signer,
    repository,
    maxBytes: settings.maxBytes,
    log: log.child({ module: "media" }),
    count: (outcome, bytes) => {
      deps.metrics.mediaRequests.inc({ outcome });
      if (bytes !== undefined && bytes > 0) deps.metrics.mediaBytes.inc(bytes);
    },
  });
  const hooks: MediaHooks = {
    linkFor: (mxc, filename) => links.linkFor(mxc, filename),
    paste: async (text) => {
      const mxc = await repository.upload(Buffer.from(text, "utf8"), "text/plain; charset=utf-8", "message.txt");
      const link = links.linkFor(mxc, "message.txt");
      if (link === undefined) throw new Error(`the homeserver gave an unusable content URI for the upload`);
      return link;
    },
    tellSender: (roomId, eventId, note) => {
      if (deps.isPmRoom(roomId)) return deps.pmNotice(roomId, note.text);
      if (note.reaction === undefined || !eventId.startsWith("$")) return deps.botNotice(roomId, note.text);
      const txnId = `react.${randomUUID()}`;
      const content = { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key: note.reaction } };
      deps.queues.enqueue(roomId, {
        what: "reaction",
        droppable: true,
        run: async () => {
          await deps.api.send(roomId, deps.botUserId, "m.reaction", content, txnId);
        },
      });
    },
  };
  return { hooks, proxy };
}
