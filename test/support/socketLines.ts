import type { Socket } from "node:net";

/** Calls `each` with every CRLF-ended line the socket receives, in order (an unfinished line waits for the next chunk). */
export function onLines(socket: Socket, each: (line: string) => void): void {
  let buffer = "";
  socket.on("data", (data: Buffer) => {
    buffer += data.toString("utf8");
    let end: number;
    while ((end = buffer.indexOf("\r\n")) !== -1) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      each(line);
    }
  });
}
