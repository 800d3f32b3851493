import type { DispatchingClient } from "./dispatchingClient";

/** The connection is done with this client: no event of it is heard any more. */
export function letGo(client: DispatchingClient): void {
  client.sink = undefined;
  client.removeAllListeners();
}

/**
 * QUIT with `reason`, then let the client go. Resolves once the server has closed the socket the
 * QUIT went out on: it has read the QUIT and let the nick go (a server that throttles a busy client
 * reads its lines late, the QUIT too). Resolves at once when the client had no open socket. Never
 * rejects; a server that never closes the socket never resolves it, so callers bound the wait.
 */
export function quitAndLetGo(client: DispatchingClient, reason: string): Promise<void> {
  const open = client.connected;
  client.quit(reason);
  letGo(client);
  // Listened to after letGo (which removes every listener): the socket closes no sooner than the QUIT's write.
  return open ? new Promise((resolve) => client.once("socket close", () => resolve())) : Promise.resolve();
}
