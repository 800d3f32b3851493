import type { NetworkContext } from "../irc/networkContext";
import type { Logger } from "../observability/logger";
import type { StsPolicyStore } from "../store/store";

/** Reads each network's remembered IRCv3 STS policies (irc/sts.ts) before any connection starts. */
export async function loadStsPolicies(networks: readonly NetworkContext[], store: StsPolicyStore, log: Logger): Promise<void> {
  for (const network of networks) {
    const held = (await network.server.sts?.load(store, log)) ?? 0;
    if (held > 0) log.info("remembered STS policies hold: connecting with TLS only", { network: network.id, hosts: held });
  }
}
