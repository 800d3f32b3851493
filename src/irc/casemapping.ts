/**
 * IRC case mapping (ISUPPORT CASEMAPPING). Nicks and channel names compare after folding with the
 * server's mapping, never with plain string equality. Unknown mappings fall back to rfc1459, the
 * protocol's default.
 */
export type Casemapping = "ascii" | "rfc1459" | "strict-rfc1459";

export function parseCasemapping(value: string | undefined): Casemapping {
  return value === "ascii" || value === "strict-rfc1459" ? value : "rfc1459";
}

export function foldCase(text: string, mapping: Casemapping): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 65 && code <= 90) out += String.fromCharCode(code + 32);
    else if (mapping !== "ascii" && ch === "[") out += "{";
    else if (mapping !== "ascii" && ch === "]") out += "}";
    else if (mapping !== "ascii" && ch === "\\") out += "|";
    else if (mapping === "rfc1459" && ch === "~") out += "^";
    else out += ch;
  }
  return out;
}

export function sameName(a: string, b: string, mapping: Casemapping): boolean {
  return foldCase(a, mapping) === foldCase(b, mapping);
}
