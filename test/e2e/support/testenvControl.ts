import { execFileSync } from "node:child_process";
import { join } from "node:path";

const script = join(__dirname, "..", "..", "..", "..", "scripts", "testenv.sh");

/** Stops, starts or restarts one server of the test environment (fault stories). */
export function testenvCommand(command: "stop" | "start" | "restart", service: "synapse" | "ergo" | "inspircd" | "inspircd2"): void {
  execFileSync("bash", [script, command, service], { stdio: "pipe", timeout: 180000 });
}
