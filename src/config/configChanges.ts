/**
 * Which settings differ between two configs, as dotted paths (`logging.level`,
 * `ircNetworks[0].lineLimit`, `access.deniedUsers`): objects are compared key by key, a list is one
 * setting (any change in it names the list), anything else by value. A key present in one config
 * only counts as changed.
 */
export function changedKeys(before: unknown, after: unknown, path = ""): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedKeys(before[k], after[k], path === "" ? k : `${path}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every((b, i) => isPlainObject(b) && isPlainObject(after[i]))) {
    // A list of objects (the networks): compared item by item, so a change names the field.
    return before.flatMap((b, i) => changedKeys(b, after[i], `${path}[${i}]`));
  }
  return sameValue(before, after) ? [] : [path];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) return changedKeys(a, b).length === 0;
  return Object.is(a, b);
}
