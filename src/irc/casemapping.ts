/**
 * IRC case mapping (ISUPPORT CASEMAPPING). Nicks and channel names compare after folding with the
 * server's mapping, never with plain string equality. Unknown mappings fall back to rfc1459, the
 * protocol's default.
 */
export type Casemapping = "ascii" | "rfc1459" | "strict-rfc1459";

export function parseCasemapping(value: string | undefined): Casemapping {
  return value === "ascii" || value === "strict-rfc1459" ? value : "rfc1459";
}

/** The name folded with the mapping; the same string when folding changes nothing (most names: no copy is made). */
export function foldCase(text: string, mapping: Casemapping): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (foldCode(code, mapping) !== code) return foldFrom(text, i, mapping);
  }
  return text;
}

/** Folds `text` from `start` on (what comes before folds to itself). */
function foldFrom(text: string, start: number, mapping: Casemapping): string {
  let out = text.slice(0, start);
  for (let i = start; i < text.length; i++) out += String.fromCharCode(foldCode(text.charCodeAt(i), mapping));
  return out;
}

/** Whether two names fold to the same (foldCase(a) === foldCase(b)), compared in place: folding maps each character to one, so names of other lengths differ. */
export function sameName(a: string, b: string, mapping: Casemapping): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && foldCode(x, mapping) !== foldCode(y, mapping)) return false;
  }
  return true;
}

/** One UTF-16 code unit folded as foldCase folds it (surrogates and non-ASCII unchanged). */
function foldCode(code: number, mapping: Casemapping): number {
  if (code >= 65 && code <= 90) return code + 32;
  if (mapping === "ascii") return code;
  if (code === 0x5b) return 0x7b; // [ -> {
  if (code === 0x5d) return 0x7d; // ] -> }
  if (code === 0x5c) return 0x7c; // \ -> |
  if (mapping === "rfc1459" && code === 0x7e) return 0x5e; // ~ -> ^
  return code;
}
