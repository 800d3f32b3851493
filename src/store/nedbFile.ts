import { readFileSync, statSync } from "node:fs";

/**
 * Reads a NeDB data file without opening it as a datastore (NeDB rewrites its file when it loads
 * it, and a migration must not change its source): one JSON document per line; a later line with
 * the same `_id` replaces an earlier one, `{"$$deleted": true}` removes it, index lines are skipped.
 *
 * Guarantees: the file is only read; the documents come in the order their `_id` first appeared,
 * so two reads of an unchanged file list them in the same order (a migration resumes by position).
 * A line that is not JSON is counted in `corrupt` (NeDB itself tolerates a few), never fatal here.
 */
export interface NedbFileContents {
  readonly docs: Record<string, unknown>[];
  readonly corrupt: number;
}

export function readNedbFile(path: string): NedbFileContents {
  const byId = new Map<string, Record<string, unknown>>();
  let corrupt = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      corrupt++;
      continue;
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
      corrupt++;
      continue;
    }
    const record = doc as Record<string, unknown>;
    if ("$$indexCreated" in record || "$$indexRemoved" in record) continue;
    const id = record._id;
    if (typeof id !== "string") {
      corrupt++;
      continue;
    }
    if (record.$$deleted === true) byId.delete(id);
    else byId.set(id, record);
  }
  return { docs: [...byId.values()], corrupt };
}

/** Size and modification time of a file: a source that changed between two runs starts over. */
export function fileStamp(path: string): string {
  const stat = statSync(path);
  return `${stat.size}:${Math.floor(stat.mtimeMs)}`;
}
