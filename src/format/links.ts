/** What a Matrix link points at: a user (a pill), a room (a room pill, or @room), or any other URL. */
export type LinkTarget = { readonly kind: "user"; readonly userId: string } | { readonly kind: "room"; readonly id: string } | { readonly kind: "url"; readonly url: string };

const MATRIX_TO = /^https?:\/\/matrix\.to\/#\/([^?/]+)/i;
const MATRIX_URI = /^matrix:(u|r|roomid)\/([^?/]+)/i;

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Where a link's href points (a matrix.to link or a matrix: URI to a user is a pill). */
export function linkTarget(href: string): LinkTarget {
  const url = href.trim();
  const matrixTo = MATRIX_TO.exec(url);
  if (matrixTo !== null) {
    const id = decoded(matrixTo[1] ?? "");
    return id.startsWith("@") ? { kind: "user", userId: id } : { kind: "room", id };
  }
  const uri = MATRIX_URI.exec(url);
  if (uri !== null) {
    const kind = (uri[1] ?? "").toLowerCase();
    const id = decoded(uri[2] ?? "");
    if (kind === "u") return { kind: "user", userId: `@${id}` };
    return { kind: "room", id: kind === "r" ? `#${id}` : `!${id}` };
  }
  return { kind: "url", url };
}

/** Whether a link's text already says its URL (the same, or without the scheme or the final "/"). */
export function sameAsText(url: string, text: string): boolean {
  if (url === "") return true;
  const bare = (s: string): string => s.replace(/^(?:https?:\/\/|mailto:)/i, "").replace(/\/$/, "").toLowerCase();
  return bare(url) === bare(text);
}
