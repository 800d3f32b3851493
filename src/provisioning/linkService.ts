import type { ProvisioningDeps } from "./deps";
import { requestLink } from "./link";
import type { ChannelQuery, LinkInfo, LinkRequest, LinkTarget, Links, UnlinkRequest } from "./links";
import { plumb } from "./plumb";
import { queryChannel } from "./queryChannel";
import { unlink } from "./unlink";

/** The one Links every entry point uses (API, room commands, admin commands, the IRC bot): one operation per file. */
export class LinkService implements Links {
  constructor(private readonly deps: ProvisioningDeps) {}

  link(request: LinkRequest): Promise<LinkInfo> {
    return requestLink(this.deps, request);
  }

  plumb(target: LinkTarget, adminUserId: string): Promise<LinkInfo> {
    return plumb(this.deps, target, adminUserId);
  }

  unlink(request: UnlinkRequest): Promise<void> {
    return unlink(this.deps, request);
  }

  linksOf(roomId: string): readonly LinkInfo[] {
    const room = this.deps.rooms.room(roomId);
    return room === undefined ? [] : [{ networkId: room.network, channel: room.channel, roomId: room.roomId, origin: room.origin }];
  }

  queryChannel(networkId: string, channel: string): Promise<ChannelQuery> {
    return queryChannel(this.deps, networkId, channel);
  }
}
