/**
 * The provisioning API's operations, as matrix-appservice-irc names them (its field names and
 * answers), each a function of the validated request. One table: the router looks a route up here.
 */
import { HttpError } from "../../util/http";
import type { Links } from "../links";
import { actingUser, type Caller } from "./auth";
import { LINK, QUERY_LINK, UNLINK, parseBody, type BodySchema, type Fields } from "./bodies";

export interface ApiNetwork {
  readonly id: string;
  readonly name: string;
  /** The IRC server's address: the incumbent's `remote_room_server` / `domain`. */
  readonly address: string;
}

export interface RouteDeps {
  readonly links: Links;
  readonly networks: () => readonly ApiNetwork[];
  /** A network by id or address (targetChecks.findNetwork). */
  readonly findNetwork: (server: string) => ApiNetwork | undefined;
  readonly botUserId: string;
  readonly roomCount: () => number;
  readonly roomLimit: number | undefined;
}

export interface RouteRequest {
  readonly caller: Caller;
  readonly fields: Fields;
  /** The path's parameter (GET /listlinks/:roomId). */
  readonly param: string;
}

export interface Route {
  readonly method: "GET" | "POST";
  /** The body's schema (POST only). */
  readonly body?: BodySchema;
  /** Takes one path segment after the route's name. */
  readonly withParam?: boolean;
  readonly run: (deps: RouteDeps, request: RouteRequest) => Promise<unknown>;
}

function network(deps: RouteDeps, fields: Fields): ApiNetwork {
  const server = fields.need("remote_room_server");
  const found = deps.findNetwork(server);
  if (found === undefined) throw new HttpError(404, "IRC_UNKNOWN_NETWORK", `remote_room_server: there is no IRC network ${server} on this bridge`);
  return found;
}

export const ROUTES: Readonly<Record<string, Route>> = {
  link: {
    method: "POST",
    body: LINK,
    run: async (deps, { caller, fields }) => {
      const userId = actingUser(caller, fields.get("user_id"));
      const net = network(deps, fields);
      const key = fields.get("key");
      await deps.links.link({ networkId: net.id, channel: fields.need("remote_room_channel"), roomId: fields.need("matrix_room_id"), opNick: fields.need("op_nick"), userId, ...(key === undefined ? {} : { key }) });
      return {};
    },
  },
  unlink: {
    method: "POST",
    body: UNLINK,
    run: async (deps, { caller, fields }) => {
      const userId = actingUser(caller, fields.get("user_id"));
      const net = network(deps, fields);
      await deps.links.unlink({ networkId: net.id, channel: fields.need("remote_room_channel"), roomId: fields.need("matrix_room_id"), by: { kind: "matrix", userId } });
      return {};
    },
  },
  listlinks: {
    method: "GET",
    withParam: true,
    run: (deps, { param }) => {
      if (!/^![^!\s:]+:\S+$/.test(param)) throw new HttpError(400, "M_INVALID_PARAM", "roomId: must be a Matrix room id (!id:server)");
      const nets = new Map(deps.networks().map((n) => [n.id, n]));
      return Promise.resolve(
        deps.links.linksOf(param).map((l) => ({
          matrix_room_id: l.roomId,
          remote_room_channel: l.channel,
          remote_room_server: nets.get(l.networkId)?.address ?? l.networkId,
          network_id: l.networkId,
          origin: l.origin,
        })),
      );
    },
  },
  querylink: {
    method: "POST",
    body: QUERY_LINK,
    run: async (deps, { fields }) => {
      const net = network(deps, fields);
      const { operators } = await deps.links.queryChannel(net.id, fields.need("remote_room_channel"));
      const atLimit = deps.roomLimit !== undefined && deps.roomCount() >= deps.roomLimit;
      const allowed = operators.length > 0 && !atLimit;
      const reason = atLimit ? "the bridge is at its room limit" : operators.length === 0 ? "no channel operator is visible to ask (the channel is empty, secret, or has none)" : undefined;
      return { operators, link_allowed: allowed, ...(reason === undefined ? {} : { reason }) };
    },
  },
  querynetworks: {
    method: "GET",
    run: (deps) =>
      Promise.resolve({
        servers: deps.networks().map((n) => ({ network_id: n.id, bot_user_id: deps.botUserId, desc: n.name, fields: { domain: n.address } })),
      }),
  },
  limits: {
    method: "GET",
    run: (deps) => Promise.resolve({ count: deps.roomCount(), limit: deps.roomLimit ?? false }),
  },
};

/** An empty body's fields (GET routes). */
export const NO_FIELDS: Fields = parseBody(Buffer.from("{}"), {});
