import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * The remote ports of a local process's established TCP connections to 127.0.0.1 (Linux /proc):
 * which of a server's ports the bridge is really connected to, whatever the server reports.
 */
export function remotePortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [remote, state, inode] = [cols[2], cols[3], cols[9]];
    // 01: ESTABLISHED; 0100007F: 127.0.0.1.
    if (remote === undefined || state !== "01" || inode === undefined || !inodes.has(inode)) continue;
    const [address, port] = remote.split(":");
    if (address === "0100007F" && port !== undefined) ports.push(parseInt(port, 16));
  }
  return ports;
}
