import type { Infer, Node, ObjectNode } from "./schemaKit";

/** One thing wrong with a config: where, what was expected, what was found. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`invalid config in ${source}:\n` + problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const shown = JSON.stringify(value);
  return `${shown.length > 60 ? shown.slice(0, 57) + "..." : shown} (${typeof value})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Checks `raw` against `node` and returns the value with defaults filled in, collecting every
 * problem (not only the first) so an operator fixes the whole file in one go.
 */
function check(node: Node, raw: unknown, path: string, problems: ConfigProblem[]): unknown {
  switch (node.kind) {
    case "leaf": {
      if (!node.accepts(raw)) {
        // A secret's value is never shown, not even a wrongly typed one (a numeric password).
        problems.push({ path, message: `expected ${node.expected}, got ${node.secret === true && typeof raw !== "object" ? `a ${typeof raw} (value not shown: a secret)` : describe(raw)}` });
        return undefined;
      }
      const refused = node.refine?.(raw);
      if (refused !== undefined) problems.push({ path, message: refused });
      return raw;
    }
    case "object":
      return checkObject(node, raw, path, problems);
    case "list": {
      if (!Array.isArray(raw)) {
        problems.push({ path, message: `expected a list, got ${describe(raw)}` });
        return undefined;
      }
      if (raw.length < node.minItems) {
        problems.push({ path, message: `expected at least ${node.minItems} item(s), got ${raw.length}` });
      }
      return raw.map((item, i) => check(node.item, item, `${path}[${i}]`, problems));
    }
    case "map": {
      if (raw === null || raw === undefined) return {};
      if (!isRecord(raw)) {
        problems.push({ path, message: `expected a mapping, got ${describe(raw)}` });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) {
        if (!node.keyAccepts(key)) {
          problems.push({ path: join(path, key), message: `key must be ${node.keyExpected}` });
          continue;
        }
        out[key] = check(node.value, value, join(path, key), problems);
      }
      return out;
    }
  }
}

function checkObject(node: ObjectNode, raw: unknown, path: string, problems: ConfigProblem[]): unknown {
  const input = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(input)) {
    problems.push({ path: path || "(top level)", message: `expected a mapping, got ${describe(raw)}` });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!(key in node.fields)) {
      const known = Object.keys(node.fields).join(", ");
      problems.push({ path: join(path, key), message: `unknown key (known keys here: ${known})` });
    }
  }
  for (const [key, field] of Object.entries(node.fields)) {
    const childPath = join(path, key);
    const value = input[key];
    if (value === undefined || value === null) {
      if (field.kind === "leaf") {
        if (field.presence === "required") {
          problems.push({ path: childPath, message: `missing required key: expected ${field.expected}` });
        }
        out[key] = field.presence === "default" ? field.default : undefined;
        continue;
      }
      if (field.kind === "list") {
        if (field.minItems > 0) {
          problems.push({ path: childPath, message: `missing required key: expected a list of at least ${field.minItems} item(s)` });
        }
        out[key] = [];
        continue;
      }
    }
    out[key] = check(field, value, childPath, problems);
  }
  return out;
}

/** Validates a parsed config document. Throws ConfigError naming every failing key path. */
export function validateConfig<N extends ObjectNode>(schema: N, raw: unknown, source: string): Infer<N> {
  const problems: ConfigProblem[] = [];
  const value = checkObject(schema, raw, "", problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return value as Infer<N>;
}
