/**
 * A closed connection is gone only when the server has closed its socket (IrcConnection.whenGone):
 * until it has read the QUIT, the server holds the nick, and a bridge that stops and starts again
 * at once would find its users' nicks in use. Against a local server that reads the QUIT but keeps
 * its side of the socket open until told (as a server that throttles a busy client reads its lines
 * late).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { localConnection, registeredConnection } from "../support/connectedClient";
import { onLines } from "../support/socketLines";
import { until } from "../support/until";

/** Registers any client (001 after NICK and USER, CAP ignored); keeps each socket open after the client's QUIT and FIN. */
async function holdingServer() {
  const lines: string[] = [];
  const sockets: Socket[] = [];
  const ended: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    socket.on("end", () => ended.push(socket));
    let nick = "";
    onLines(socket, (line) => {
      lines.push(line);
      if (line.startsWith("NICK ")) nick = line.slice(5);
      if (line.startsWith("USER ")) socket.write(`:srv 001 ${nick} :Welcome\r\n:srv 376 ${nick} :End of /MOTD command.\r\n`);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, "close");
  };
  return { port, lines, sockets, ended, close };
}

describe("a closed connection is gone once the server closed the socket", () => {
  it("whenGone waits past the QUIT and the client's FIN until the server closes its side", async () => {
    const server = await holdingServer();
    try {
      const connection = await registeredConnection(server.port, "alice");
      connection.close("bridge shutting down");
      let gone = false;
      void connection.whenGone().then(() => (gone = true));
      // Positive control: the server has the QUIT and the client's end of the socket.
      await until(() => server.lines.some((l) => l.startsWith("QUIT ")) && server.ended.length === 1, "the QUIT and the client's FIN reach the server");
      assert.equal(gone, false, "not gone while the server still holds the connection (and the nick)");
      server.sockets[0]?.end();
      await until(() => gone, "gone once the server closed its side");
    } finally {
      await server.close();
    }
  });

  it("a connection that never had an open socket is gone at once", async () => {
    const connection = localConnection(1, "bob");
    connection.close("never started");
    let gone = false;
    await connection.whenGone().then(() => (gone = true));
    assert.equal(gone, true);
  });
});
