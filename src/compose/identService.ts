import type { NetworkBridge } from "../bridge/networkBridge";
import type { BridgeConfig } from "../config/schema";
import type { IrcConnection } from "../irc/connection";
import { IdentServer } from "../ident/identServer";
import type { Logger } from "../observability/logger";

/**
 * The ident server over every IRC connection the bridge holds (users' and the bots'), when
 * ident.enabled. A query is answered by a scan of the live connections: no index to keep in step,
 * and at the connection caps (identServer.ts) its cost is bounded by the number of connections.
 */
export function identService(config: BridgeConfig["ident"], bridges: () => readonly NetworkBridge[], log: Logger): IdentServer | undefined {
  if (!config.enabled) return undefined;
  function* connections(): Generator<{ pair: IrcConnection["socketPair"]; username: string }> {
    for (const bridge of bridges()) {
      for (const [, connection] of bridge.puppets.all()) yield { pair: connection.socketPair, username: connection.ident };
      const bot = bridge.bot?.connection;
      if (bot !== undefined) yield { pair: bot.socketPair, username: bot.ident };
    }
  }
  return new IdentServer({ address: config.address, port: config.port, connections, log: log.child({ module: "ident" }) });
}
