import type { MatrixApi } from "../matrix/matrixApi";
import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import { AccessRecords } from "../rooms/accessRecords";
import { ChannelKeys } from "../rooms/channelKeys";
import { PowerLevelSync } from "../rooms/powerLevelSync";
import { RoomAccess } from "../rooms/roomAccess";
import type { RoomQueues } from "../rooms/roomQueues";
import type { PasswordSeal } from "../secrets/passwordSeal";
import type { Store } from "../store/store";

/** What makes rooms follow their channels' modes (power levels, join rule, directory) and the channel keys. */
export async function channelAccess(deps: {
  readonly store: Store;
  readonly api: MatrixApi;
  readonly queues: RoomQueues;
  readonly botUserId: string;
  readonly seal: PasswordSeal | undefined;
  readonly clock: Clock;
  readonly log: Logger;
}): Promise<{ readonly access: RoomAccess; readonly keys: ChannelKeys; readonly records: AccessRecords }> {
  const { store, api, queues, botUserId, log } = deps;
  const records = new AccessRecords(store.roomAccess, log.child({ module: "access" }));
  await records.load();
  const powerLevels = new PowerLevelSync({ api, queues, records, botUserId, clock: deps.clock, log: log.child({ module: "access" }) });
  const access = new RoomAccess({ api, queues, records, powerLevels, botUserId });
  const unlisted = access.directory.afterRestart();
  if (unlisted > 0) log.info("portals listed in the room directory before the restart are unlisted until their channels are seen open", { count: unlisted });
  const keys = new ChannelKeys(store.channelKeys, deps.seal, log.child({ module: "keys" }));
  await keys.load();
  if (!keys.persistent) log.info("no bridge.passwordKeyFile: channel keys are kept in memory only and forgotten on restart");
  return { access, keys, records };
}
