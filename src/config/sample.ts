import yaml from "js-yaml";
import type { Node, ObjectNode } from "./schemaKit";

/**
 * Renders the commented sample config from the schema: every key with its doc as a comment,
 * defaults as values, required keys with an example, optional keys commented out.
 */
const WIDTH = 100;

function wrap(text: string, indent: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      out.push(`${indent}# ${line}`);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(`${indent}# ${line}`);
  return out;
}

function scalar(value: unknown): string {
  return yaml.dump(value, { flowLevel: 0, lineWidth: -1 }).trimEnd();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keyText(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
}

function emitField(key: string, node: Node, given: unknown, indent: string, lines: string[]): void {
  lines.push(...wrap(node.doc, indent));
  const k = keyText(key);
  switch (node.kind) {
    case "leaf": {
      if (given !== undefined) lines.push(`${indent}${k}: ${scalar(given)}`);
      else if (node.presence === "required") lines.push(`${indent}${k}: ${scalar(node.example)}`);
      else if (node.presence === "default") lines.push(`${indent}${k}: ${scalar(node.default)}`);
      else lines.push(`${indent}# ${k}: ${scalar(node.example)}`);
      return;
    }
    case "object":
      lines.push(`${indent}${k}:`);
      emitObject(node, given, `${indent}  `, lines);
      return;
    case "list": {
      const items = Array.isArray(given) ? given : node.example;
      if (items.length === 0) {
        lines.push(`${indent}${k}: []`);
        return;
      }
      lines.push(`${indent}${k}:`);
      for (const item of items) {
        const itemLines: string[] = [];
        if (node.item.kind === "object") emitObject(node.item, item, `${indent}    `, itemLines);
        else itemLines.push(`${indent}    ${scalar(item)}`);
        const first = itemLines.findIndex((l) => !l.trimStart().startsWith("#"));
        itemLines[first] = `${indent}  - ${(itemLines[first] ?? "").trimStart()}`;
        lines.push(...itemLines);
      }
      return;
    }
    case "map": {
      const entries = Object.entries(isRecord(given) ? given : node.example);
      if (entries.length === 0) {
        lines.push(`${indent}${k}: {}`);
        return;
      }
      lines.push(`${indent}${k}:`);
      for (const [entryKey, entryValue] of entries) {
        lines.push(...wrap(node.value.doc, `${indent}  `));
        if (node.value.kind === "object") {
          lines.push(`${indent}  ${keyText(entryKey)}:`);
          emitObject(node.value, entryValue, `${indent}    `, lines);
        } else {
          lines.push(`${indent}  ${keyText(entryKey)}: ${scalar(entryValue)}`);
        }
      }
      return;
    }
  }
}

function emitObject(node: ObjectNode, given: unknown, indent: string, lines: string[]): void {
  const values = isRecord(given) ? given : {};
  for (const [key, field] of Object.entries(node.fields)) {
    emitField(key, field, values[key], indent, lines);
  }
}

export function renderSample(schema: ObjectNode): string {
  const lines = [
    "# Sample configuration, generated from src/config/schema.ts by `npm run config:sample`.",
    "# Do not edit by hand: a test fails when this file and the schema disagree.",
    ...wrap(schema.doc, ""),
    "",
  ];
  emitObject(schema, undefined, "", lines);
  return lines.join("\n") + "\n";
}
