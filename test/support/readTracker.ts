import type { Node } from "../../src/config/schemaKit";

/**
 * Wraps a validated config so that every key read is recorded as a schema path: list indexes become
 * "[]" and map keys "*", so the recorded paths compare with the schema's leaf paths.
 */
export function trackReads<T extends object>(value: T, schema: Node, reads: Set<string>, path = ""): T {
  return wrap(value, schema, reads, path) as T;
}

function wrap(value: unknown, node: Node, reads: Set<string>, path: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value, {
    get(target, prop, receiver) {
      const result: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string") return result;
      if (node.kind === "object") {
        const child = node.fields[prop];
        if (child === undefined) return result;
        const childPath = path ? `${path}.${prop}` : prop;
        reads.add(childPath);
        return wrap(result, child, reads, childPath);
      }
      if (node.kind === "list" && /^\d+$/.test(prop)) return wrap(result, node.item, reads, `${path}[]`);
      if (node.kind === "map" && Object.prototype.hasOwnProperty.call(target, prop)) return wrap(result, node.value, reads, `${path}.*`);
      return result;
    },
    ownKeys(target) {
      if (node.kind === "map") reads.add(`${path}.*`);
      return Reflect.ownKeys(target);
    },
  });
}

/** Every path a config can have according to the schema (objects' keys, lists as [], maps as *). */
export function schemaPaths(node: Node, path = "", out: string[] = []): string[] {
  if (node.kind === "object") {
    for (const [key, child] of Object.entries(node.fields)) {
      const childPath = path ? `${path}.${key}` : key;
      out.push(childPath);
      schemaPaths(child, childPath, out);
    }
  } else if (node.kind === "list") {
    schemaPaths(node.item, `${path}[]`, out);
  } else if (node.kind === "map") {
    out.push(`${path}.*`);
    schemaPaths(node.value, `${path}.*`, out);
  }
  return out;
}
