/**
 * What a user chose for their next connection to a network (nick, username), stored in their
 * puppet record. A user without a record gets one first, made the usual way (identity.ts), so the
 * choice is simply a change to it. A nick chosen with !nick is stored as the record's `desiredNick`:
 * the nick every connection asks for, which a displayname change never replaces, until the user
 * chooses another or goes back to the network's nickTemplate (`resetNick`). Username changes are serialized with identity changes, so two
 * users never end up with the same username on a network.
 */
import type { PuppetRecord, PuppetStore } from "../store/store";
import { serialized } from "./identity";

export interface PuppetSettingsDeps {
  readonly networkId: string;
  readonly store: PuppetStore;
  /** The user's identity, creating and storing their record if they have none (identity.ts). */
  readonly identity: (userId: string) => Promise<{ nick: string; username: string }>;
  /** The nick the network's nickTemplate gives the user now (their current displayname, the server's NICKLEN). */
  readonly templateNick: (userId: string) => Promise<string>;
  /** A nick was stored for the user's next connection (the network's nick directory keeps it). */
  readonly nickStored?: (userId: string, nick: string) => void;
}

export class PuppetSettings {
  constructor(private readonly deps: PuppetSettingsDeps) {}

  stored(userId: string): Promise<PuppetRecord | undefined> {
    return this.deps.store.get(this.deps.networkId, userId);
  }

  /** Stores the nick the user chose (!nick): their next connection asks for it, and it sticks. */
  async setNick(userId: string, nick: string): Promise<void> {
    await this.update(userId, { nick, desiredNick: nick, nickNote: undefined });
    this.deps.nickStored?.(userId, nick);
  }

  /**
   * Forgets the nick the user chose: from now on their nick follows the network's nickTemplate
   * (and, with nickFollowsDisplayname, their displayname). Stores and returns the template's nick
   * for them now, for their next connection.
   */
  async resetNick(userId: string): Promise<string> {
    const nick = await this.deps.templateNick(userId);
    await this.update(userId, { nick, desiredNick: undefined, nickNote: undefined });
    this.deps.nickStored?.(userId, nick);
    return nick;
  }

  /**
   * Changes the user's record (made first if they have none), read and written in the store's
   * serialized chain: another change of the record (PuppetRegistry.persist after the NICK echo, which
   * comes before this) can never write back an older copy over it.
   */
  private async update(userId: string, change: Partial<PuppetRecord>): Promise<void> {
    await this.record(userId);
    const { store, networkId } = this.deps;
    await serialized(store, async () => {
      const record = await store.get(networkId, userId);
      if (record === undefined) throw new Error("the puppet record vanished");
      await store.put({ ...record, ...change });
    });
  }

  /** Stores the username (ident) of the user's next connection; "taken" when another user has it here. */
  async setUsername(userId: string, username: string): Promise<"ok" | "taken"> {
    await this.record(userId);
    const { store, networkId } = this.deps;
    return serialized(store, async () => {
      if (await store.usernameTaken(networkId, username, userId)) return "taken";
      const record = await store.get(networkId, userId);
      if (record === undefined) throw new Error("the puppet record vanished");
      await store.put({ ...record, username });
      return "ok";
    });
  }

  private async record(userId: string): Promise<PuppetRecord> {
    const existing = await this.stored(userId);
    if (existing !== undefined) return existing;
    await this.deps.identity(userId);
    const created = await this.stored(userId);
    if (created === undefined) throw new Error("the puppet record was not stored");
    return created;
  }
}
