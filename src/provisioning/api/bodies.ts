/**
 * Strict request bodies of the provisioning API: a JSON object holding exactly the fields a route
 * declares, each a string of the declared form. Guarantees: anything else is refused with a 400
 * that names the field (not JSON or not an object: M_NOT_JSON / M_BAD_JSON; an unknown field:
 * M_BAD_JSON; a missing one: M_MISSING_PARAM; a wrong type or form: M_INVALID_PARAM), before any
 * operation runs, so bad input changes nothing. Field names are those of matrix-appservice-irc.
 */
import { HttpError } from "../../util/http";

interface FieldSpec {
  readonly required: boolean;
  /** null is taken as absent (the incumbent's optional `key`). */
  readonly nullable?: boolean;
  readonly pattern: RegExp;
  readonly form: string;
}

export type BodySchema = Readonly<Record<string, FieldSpec>>;

const field = (pattern: RegExp, form: string, required = true, nullable = false): FieldSpec => ({ required, nullable, pattern, form });

export const F = {
  server: field(/^[A-Za-z0-9._:-]{1,255}$/, "a network's address or id"),
  channel: field(/^[#+&!][^\s:,]{1,199}$/, "an IRC channel name (#channel)"),
  roomId: field(/^![^!\s:]+:\S+$/, "a Matrix room id (!id:server)"),
  userId: field(/^@[^:\s]+:\S+$/, "a Matrix user id (@user:server)"),
  /** Checked as a nick by the operation (so the answer can say why). */
  opNick: field(/^\S{1,64}$/, "an IRC nick"),
  key: field(/^[^\s,]{1,100}$/, "a channel key", false, true),
} as const;

export const LINK: BodySchema = {
  remote_room_server: F.server,
  remote_room_channel: F.channel,
  matrix_room_id: F.roomId,
  op_nick: F.opNick,
  key: F.key,
  user_id: { ...F.userId, required: false },
};

export const UNLINK: BodySchema = {
  remote_room_server: F.server,
  remote_room_channel: F.channel,
  matrix_room_id: F.roomId,
  user_id: { ...F.userId, required: false },
};

export const QUERY_LINK: BodySchema = {
  remote_room_server: F.server,
  remote_room_channel: F.channel,
  key: F.key,
  user_id: { ...F.userId, required: false },
};

/** The validated fields of a body. */
export class Fields {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  need(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new HttpError(400, "M_MISSING_PARAM", `${name}: missing`);
    return value;
  }
}

export function parseBody(raw: Buffer, schema: BodySchema): Fields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "M_NOT_JSON", "the body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new HttpError(400, "M_BAD_JSON", "the body must be a JSON object");
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    const spec = schema[name];
    if (spec === undefined) throw new HttpError(400, "M_BAD_JSON", `${name}: unknown field (expected: ${Object.keys(schema).join(", ")})`);
    if (value === null && spec.nullable === true) continue;
    if (typeof value !== "string" || !spec.pattern.test(value)) throw new HttpError(400, "M_INVALID_PARAM", `${name}: must be ${spec.form}`);
    values.set(name, value);
  }
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.required && !values.has(name)) throw new HttpError(400, "M_MISSING_PARAM", `${name}: missing`);
  }
  return new Fields(values);
}
