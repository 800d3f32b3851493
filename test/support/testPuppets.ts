import { allowEveryone } from "../../src/access/accessPolicy";
import { ConnectScheduler } from "../../src/irc/connectScheduler";
import type { NetworkContext } from "../../src/irc/networkContext";
import { PuppetRegistry, type PuppetRegistryDeps } from "../../src/puppets/puppetRegistry";
import type { PuppetStore } from "../../src/store/store";
import type { FakeClock } from "./fakeClock";
import { silentLogger } from "./silentLogger";

/**
 * A PuppetRegistry for tests: identities never resolve, so no connection ever opens a socket, and
 * lines stay queued where the test can see them. `extra` overrides any dependency.
 */
export function testPuppets(network: NetworkContext, store: PuppetStore, clock: FakeClock, extra: Partial<PuppetRegistryDeps> = {}): PuppetRegistry {
  return new PuppetRegistry({
    network,
    store,
    identity: () => new Promise(() => undefined),
    attach: () => undefined,
    clock,
    log: silentLogger(),
    gate: new ConnectScheduler(network.connect, { onTrip: () => undefined, onRecovered: () => undefined }, clock),
    dropped: () => undefined,
    access: allowEveryone,
    ...extra,
  });
}
