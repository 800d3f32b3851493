import type { AdminCommand } from "../command";
import { bridgeVersion } from "./bridgeVersion";
import { help } from "./help";
import { reconnect } from "./reconnect";
import { removePass } from "./removePass";
import { storePass } from "./storePass";

/** The table of contents of admin commands, in the order !help lists them. */
export const COMMANDS: readonly AdminCommand[] = [help, reconnect, storePass, removePass, bridgeVersion];
