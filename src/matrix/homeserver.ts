import { randomUUID } from "node:crypto";
import { AppServiceRegistration, Bridge, Logger as LibraryLogger, type Intent } from "matrix-appservice-bridge";
import type { Registration } from "./registration";

/**
 * The homeserver as the bridge talks to it (client-server API with the as_token), through
 * matrix-appservice-bridge's intents. Only transport: no decisions are made here. The bridge's own
 * AppserviceServer receives the homeserver's calls; this library's listener is never started.
 */
export class Homeserver {
  private readonly bridge: Bridge;

  constructor(
    url: string,
    domain: string,
    private readonly registration: Registration,
    libraryLogs: "debug" | "off",
  ) {
    // The library logs every failed request itself (M_USER_IN_USE at error level, for one); the
    // bridge logs the outcomes it acts on, so the library speaks only when debugging.
    LibraryLogger.configure({ console: libraryLogs });
    const reg = AppServiceRegistration.fromObject({
      ...registration,
      namespaces: {
        users: [...registration.namespaces.users],
        aliases: [...registration.namespaces.aliases],
        rooms: [...registration.namespaces.rooms],
      },
      protocols: [...registration.protocols],
    });
    this.bridge = new Bridge({
      homeserverUrl: url,
      domain,
      registration: reg,
      disableStores: true,
      controller: { onEvent: () => undefined },
    });
  }

  async initialise(): Promise<void> {
    await this.bridge.initialise();
  }

  get botUserId(): string {
    return this.bridge.getBot().getUserId();
  }

  botIntent(): Intent {
    return this.bridge.getIntent();
  }

  intent(userId: string): Intent {
    return this.bridge.getIntent(userId);
  }

  /** Registers the bot user if needed (an existing user counts as success). */
  async ensureBotRegistered(): Promise<void> {
    await this.botIntent().ensureRegistered(true);
  }

  /**
   * Asks the homeserver to ping us (POST /_matrix/client/v1/appservice/{id}/ping), proving that it can
   * reach our URL with the right hs_token. Resolves to the round-trip time the homeserver measured.
   */
  async pingFromHomeserver(): Promise<number> {
    const path = `/_matrix/client/v1/appservice/${encodeURIComponent(this.registration.id)}/ping`;
    const result: unknown = await this.botIntent().matrixClient.doRequest("POST", path, null, { transaction_id: randomUUID() });
    const duration = typeof result === "object" && result !== null && "duration_ms" in result ? result.duration_ms : undefined;
    return typeof duration === "number" ? duration : -1;
  }

  async close(): Promise<void> {
    await this.bridge.close();
  }
}
