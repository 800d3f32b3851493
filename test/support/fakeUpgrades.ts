import type { RoomUpgradeHooks } from "../../src/fromMatrix/context";

/** RoomUpgradeHooks that record what they were asked ("follow !old !new @by", "admin !old !new @owner", "invited !room"). */
export class FakeUpgrades implements RoomUpgradeHooks {
  readonly calls: string[] = [];
  /** Rooms `invited` claims (an upgrade was waiting for the bot's invite there). */
  readonly waiting = new Set<string>();

  follow(oldRoomId: string, newRoomId: string, by: string): void {
    this.calls.push(`follow ${oldRoomId} ${newRoomId} ${by}`);
  }

  followAdminRoom(oldRoomId: string, newRoomId: string, owner: string): void {
    this.calls.push(`admin ${oldRoomId} ${newRoomId} ${owner}`);
  }

  invited(roomId: string): boolean {
    this.calls.push(`invited ${roomId}`);
    return this.waiting.has(roomId);
  }
}
