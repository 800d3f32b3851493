/**
 * The `s/old/new/` that turns `before` into `after`, as IRC users correct themselves: the one
 * contiguous stretch that changed, widened to whole words, and further (a word at a time) until its
 * first occurrence in `before` is the changed one, so a reader applying it the usual way (first
 * match) gets `after`. "/" and "\" in either part are escaped with "\". Undefined when nothing
 * changed, when either part would span lines, or when `before` is empty.
 */
export function substitution(before: string, after: string): string | undefined {
  if (before === after || before === "") return undefined;
  const a = Array.from(before);
  const b = Array.from(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const space = (c: string | undefined) => c === undefined || /\s/.test(c);
  // [start, end) in `a`; the same stretch of `b` is [start, end + b.length - a.length): outside it both agree.
  let start = head;
  let end = a.length - tail;
  while (start > 0 && !space(a[start - 1])) start--;
  while (end < a.length && !space(a[end])) end++;
  const old = () => a.slice(start, end).join("");
  const unambiguous = () => old() !== "" && before.indexOf(old()) === a.slice(0, start).join("").length;
  while (!unambiguous()) {
    if (start > 0) {
      while (start > 0 && space(a[start - 1])) start--;
      while (start > 0 && !space(a[start - 1])) start--;
    } else if (end < a.length) {
      while (end < a.length && space(a[end])) end++;
      while (end < a.length && !space(a[end])) end++;
    } else break;
  }
  const from = old();
  const to = b.slice(start, end + b.length - a.length).join("");
  if (from === "" || /[\r\n]/.test(from + to)) return undefined;
  return `s/${escapePart(from)}/${escapePart(to)}/`;
}

function escapePart(text: string): string {
  return text.replace(/[\\/]/g, (c) => `\\${c}`);
}
