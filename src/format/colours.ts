/**
 * The mIRC colour palette and its mapping to and from the "#rrggbb" colours Matrix HTML uses.
 *
 * Guarantees: every IRC colour 0-98 has one hex value (99 is "the default", no colour); a hex colour
 * that is exactly one of the palette's maps back to the lowest index with that value (so an IRC
 * colour survives IRC -> Matrix -> IRC, as the same visible colour); any other hex colour maps to
 * the nearest of the 16 classic colours, which every IRC client shows (the 99 and hex colours are
 * not understood everywhere).
 */

/** Indices 0-15 (the classic 16) then 16-98 (the extended colours), as "#rrggbb". */
const PALETTE: readonly string[] = [
  "ffffff", "000000", "00007f", "009300", "ff0000", "7f0000", "9c009c", "fc7f00",
  "ffff00", "00fc00", "009393", "00ffff", "0000fc", "ff00ff", "7f7f7f", "d2d2d2",
  "470000", "472100", "474700", "324700", "004700", "00472c", "004747", "002747", "000047", "2e0047", "470047", "47002a",
  "740000", "743a00", "747400", "517400", "007400", "007449", "007474", "004074", "000074", "4b0074", "740074", "740045",
  "b50000", "b56300", "b5b500", "7db500", "00b500", "00b571", "00b5b5", "0063b5", "0000b5", "7500b5", "b500b5", "b5006b",
  "ff0000", "ff8c00", "ffff00", "b2ff00", "00ff00", "00ffa0", "00ffff", "008cff", "0000ff", "a500ff", "ff00ff", "ff0098",
  "ff5959", "ffb459", "ffff71", "cfff60", "6fff6f", "65ffc9", "6dffff", "59b4ff", "5959ff", "c459ff", "ff66ff", "ff59bc",
  "ff9c9c", "ffd39c", "ffff9c", "e2ff9c", "9cff9c", "9cffdb", "9cffff", "9cd3ff", "9c9cff", "dc9cff", "ff9cff", "ff94d3",
  "000000", "131313", "282828", "363636", "4d4d4d", "656565", "818181", "9f9f9f", "bcbcbc", "e2e2e2", "ffffff",
].map((hex) => `#${hex}`);

/** The number of IRC colours with a value (0-98); 99 means "default". */
export const IRC_COLOURS = PALETTE.length;

/** The "#rrggbb" of an IRC colour index, undefined for 99 (the default) and out-of-range numbers. */
export function hexOfIrcColour(index: number): string | undefined {
  return PALETTE[index];
}

/** "#rgb" or "#rrggbb" (any case) as lower-case "#rrggbb"; undefined when it is not such a colour. */
export function normalHex(colour: string): string | undefined {
  const c = colour.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(c)) return c;
  if (/^#[0-9a-f]{3}$/.test(c)) return `#${c.slice(1, 2).repeat(2)}${c.slice(2, 3).repeat(2)}${c.slice(3, 4).repeat(2)}`;
  return undefined;
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** The IRC colour index for a "#rrggbb": the palette's own index when exact, else the nearest of the 16. */
export function ircColourOfHex(hex: string): number {
  const exact = PALETTE.indexOf(hex);
  if (exact >= 0) return exact;
  const [r, g, b] = rgb(hex);
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < 16; i++) {
    const [pr, pg, pb] = rgb(PALETTE[i] ?? "#000000");
    // Weighted Euclidean distance ("redmean"): closer to what the eye sees than plain RGB distance.
    const mean = (r + pr) / 2;
    const distance = (2 + mean / 256) * (r - pr) ** 2 + 4 * (g - pg) ** 2 + (2 + (255 - mean) / 256) * (b - pb) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}
