import assert from "node:assert/strict";
import { MessageLog } from "../../src/rooms/messageLog";
import { allowEveryone, type AccessPolicy } from "../../src/access/accessPolicy";
import { NetworkBridge } from "../../src/bridge/networkBridge";
import { parseConfig } from "../../src/config/load";
import { buildNetworkContext, type NetworkContext } from "../../src/irc/networkContext";
import { systemClock } from "../../src/irc/pacedQueue";
import { Ghosts } from "../../src/matrix/ghosts";
import { createMetrics } from "../../src/observability/metrics";
import { AccessRecords } from "../../src/rooms/accessRecords";
import { ChannelKeys } from "../../src/rooms/channelKeys";
import { PendingSends, type PendingSend } from "../../src/rooms/pendingSends";
import { PowerLevelSync } from "../../src/rooms/powerLevelSync";
import { RoomAccess } from "../../src/rooms/roomAccess";
import { RoomIndex } from "../../src/rooms/roomIndex";
import { RoomQueues } from "../../src/rooms/roomQueues";
import { SendJournal } from "../../src/store/sendJournal";
import type { Store } from "../../src/store/store";
import type { FakeMatrixApi } from "./fakeMatrixApi";
import { silentLogger } from "./silentLogger";
import type { Logger } from "../../src/observability/logger";

/**
 * One network "testnet" (TestNet) on 127.0.0.1:`port`, no TLS, no connect jitter; `extra` is more
 * YAML of the network's entry (`, bot: { enabled: true }` or a block continuing the entry).
 */
export function testNetworkContext(port: number, extra = ""): NetworkContext {
  const config = parseConfig(
    `
homeserver: { url: "http://homeserver.invalid:8008", domain: example.org }
ircNetworks:
  - { id: testnet, name: TestNet, address: 127.0.0.1, port: ${port}, tls: false, connect: { jitterMs: 0 }${extra} }
`,
    "test.yaml",
  );
  return buildNetworkContext(config.ircNetworks[0] ?? assert.fail("no network"), "example.org");
}

export interface TestBridgeParts {
  readonly network: NetworkContext;
  readonly store: Store;
  readonly api: FakeMatrixApi;
  readonly botUserId: string;
  readonly rooms?: RoomIndex;
  readonly keys?: ChannelKeys;
  readonly notify?: (userId: string, text: string) => void;
  readonly accessPolicy?: AccessPolicy;
  readonly log?: Logger;
}

/**
 * A real NetworkBridge wired as app.ts wires it, with an in-memory journal, a silent logger, the
 * system clock and everyone allowed; what a test looks at (rooms, keys, notify) can be given.
 */
export function testNetworkBridge(parts: TestBridgeParts): { bridge: NetworkBridge; rooms: RoomIndex; queues: RoomQueues } {
  const { network, store, api, botUserId } = parts;
  const rooms = parts.rooms ?? new RoomIndex(store.rooms);
  const queues = new RoomQueues({ onGiveUp: () => undefined, onRetry: () => undefined }, systemClock);
  const sends = new PendingSends({
    journal: new SendJournal<PendingSend>(undefined, "test"),
    queues,
    deliver: () => Promise.resolve(),
    notice: () => undefined,
    maxPerRoom: 10,
    depth: () => undefined,
    dropped: () => undefined,
  });
  const records = new AccessRecords(store.roomAccess, silentLogger());
  const powerLevels = new PowerLevelSync({ api, queues, records, botUserId, clock: systemClock, log: silentLogger() });
  const bridge = new NetworkBridge({
    network,
    accessPolicy: parts.accessPolicy ?? allowEveryone,
    store,
    rooms,
    queues,
    sends,
    messages: new MessageLog(),
    ghosts: new Ghosts(api, botUserId),
    api,
    botUserId,
    clock: systemClock,
    log: parts.log ?? silentLogger(),
    metrics: createMetrics(),
    notify: parts.notify ?? (() => undefined),
    credentials: () => undefined,
    pms: { find: () => undefined, notice: () => undefined },
    access: new RoomAccess({ api, queues, records, powerLevels, botUserId }),
    keys: parts.keys ?? new ChannelKeys(store.channelKeys, undefined, silentLogger()),
    notice: () => undefined,
  });
  return { bridge, rooms, queues };
}
