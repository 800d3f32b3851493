/** The parts of a Matrix event the bridge reads. Content is checked by each handler before use. */
export interface MatrixEvent {
  readonly type: string;
  readonly event_id?: string;
  readonly room_id?: string;
  readonly sender?: string;
  readonly state_key?: string;
  /** m.room.redaction before room version 11: the redacted event (since v11 it is in the content). */
  readonly redacts?: string;
  readonly origin_server_ts?: number;
  readonly unsigned?: Readonly<Record<string, unknown>>;
  readonly content: Readonly<Record<string, unknown>>;
}

export interface Transaction {
  readonly txnId: string;
  readonly events: readonly MatrixEvent[];
  readonly ephemeral: readonly MatrixEvent[];
}

/** JSON object content (what `content`, `m.relates_to`, `m.new_content`... must be before they are read). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a value of event content is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asMatrixEvent(value: unknown): MatrixEvent | undefined {
  if (!isRecord(value) || typeof value.type !== "string") return undefined;
  const content = isRecord(value.content) ? value.content : {};
  return { ...value, type: value.type, content };
}

/** Reads a transaction body: `events`, plus ephemeral events under the stable or the MSC2409 key. */
export function parseTransaction(txnId: string, body: unknown): Transaction {
  const root = isRecord(body) ? body : {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map(asMatrixEvent).filter((e): e is MatrixEvent => e !== undefined) : []);
  return {
    txnId,
    events: list(root.events),
    ephemeral: [...list(root.ephemeral), ...list(root["de.sorunome.msc2409.ephemeral"])],
  };
}
