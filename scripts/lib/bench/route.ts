/**
 * A homeserver request as a bounded route: "PUT /_matrix/client/v3/rooms/*\/send/m.room.message/*".
 * Room, user and alias ids, event ids, transaction ids and state keys become "*", the query is
 * dropped, so requests of one kind count together whatever room or user they name.
 */
export function routeOf(method: string, url: string): string {
  const path = url.split("?")[0] ?? "";
  const segments = path.split("/");
  const out = segments.map((raw, i) => {
    let seg = raw;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      // keep it raw
    }
    const prev = segments[i - 1];
    const prev2 = segments[i - 2];
    if (/^[!@#$+]/.test(seg) || seg.includes(":")) return "*";
    if (prev2 === "send" || prev2 === "state" || prev2 === "redact") return "*";
    if (prev === "typing" || prev === "receipt" || prev === "account_data") return seg.startsWith("@") ? "*" : seg;
    return seg;
  });
  return `${method} ${out.join("/")}`;
}
