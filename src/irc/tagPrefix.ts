import { UnsafeLineError } from "./lines";
import type { Tags } from "./events";

const TAG_KEY = /^\+?(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;

/** A tag value escaped as the message-tags spec says (";" " " "\" CR LF). */
function escapeTag(value: string): string {
  return value.replace(/[\\; \r\n]/g, (c) => ({ "\\": "\\\\", ";": "\\:", " ": "\\s", "\r": "\\r", "\n": "\\n" })[c] ?? "");
}

/** "@k=v;k2 " for a line's tags ("" for none); an invalid key is refused, a value is escaped. */
export function tagPrefix(tags: Tags | undefined): string {
  if (tags === undefined) return "";
  const parts = Object.entries(tags).map(([key, value]) => {
    if (!TAG_KEY.test(key)) throw new UnsafeLineError(`invalid tag key ${JSON.stringify(key)}`);
    return value === "" ? key : `${key}=${escapeTag(value.replace(/\0/g, ""))}`;
  });
  return parts.length === 0 ? "" : `@${parts.join(";")} `;
}
