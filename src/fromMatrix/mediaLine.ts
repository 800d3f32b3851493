import { isRecord, type JsonObject } from "../matrix/events";
/** Makes a link IRC users can open for an mxc:// URI under a filename (media/links.ts); undefined when it cannot. */
export type MediaLinkMaker = (mxc: string, filename: string) => string | undefined;


const WHAT: Readonly<Record<string, string>> = { "m.image": "an image", "m.video": "a video", "m.audio": "an audio file", "m.file": "a file" };

const text = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * How an image, video, audio or file message reads on IRC (sent as an ACTION):
 *   sent an image: cat.png (12 KiB) https://bridge.example/_ircbridge/media/v1/.../cat.png
 * followed by the caption, when the message has one (a `filename` and a different `body`). An
 * encrypted file (`file` instead of `url`) cannot be served by the bridge: the line says so
 * instead of giving a link. Without a link maker (or an mxc:// URI it accepts) the name alone.
 */
export function mediaLine(msgtype: string, content: JsonObject, links: MediaLinkMaker | undefined): string {
  const body = text(content.body);
  const filename = text(content.filename);
  const name = oneLine(filename !== "" ? filename : body) || "file";
  const caption = filename !== "" && body !== "" && body !== filename ? body : "";
  const info = isRecord(content.info) ? content.info : {};
  const size = typeof info.size === "number" && Number.isFinite(info.size) && info.size >= 0 ? ` (${humanSize(info.size)})` : "";
  let where = "";
  if (typeof content.url === "string") {
    const link = links?.(content.url, name);
    where = link === undefined ? "" : ` ${link}`;
  } else if (isRecord(content.file)) {
    where = " (encrypted: the bridge cannot show it on IRC)";
  }
  const line = `sent ${WHAT[msgtype] ?? "a file"}: ${name}${size}${where}`;
  return caption === "" ? line : `${line}\n${caption}`;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").trim();

/** 512 B, 12 KiB, 3.4 MiB. */
export function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[unit] ?? "B"}`;
}
