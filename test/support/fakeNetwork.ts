import { parseConfig } from "../../src/config/load";
import { buildNetworkContext, type NetworkContext } from "../../src/irc/networkContext";

export const FAKE_DOMAIN = "example.org";

/**
 * A NetworkContext built the way the app builds it, from a small config. `extra` is appended inside
 * the network's flow mapping, e.g. `, connections: { max: 1 }`. The address (by default one that
 * does not resolve) is connected to only by tests that start a fake IRC server there.
 */
export function fakeNetwork(extra = "", address = "irc.invalid"): NetworkContext {
  const config = parseConfig(
    `
homeserver: { url: "http://homeserver.invalid:8008", domain: ${FAKE_DOMAIN} }
ircNetworks:
  - { id: testnet, name: TestNet, address: ${address}${extra} }
`,
    "fakeNetwork.yaml",
  );
  const network = config.ircNetworks[0];
  if (network === undefined) throw new Error("the fake config has no network");
  return buildNetworkContext(network, config.homeserver.domain);
}
