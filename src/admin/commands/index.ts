import type { AdminCommand } from "../command";
import { bridgeVersion } from "./bridgeVersion";
import { certfp } from "./certfp";
import { cmd } from "./cmd";
import { help } from "./help";
import { invite } from "./invite";
import { join } from "./join";
import { listRooms } from "./listRooms";
import { nick } from "./nick";
import { part } from "./part";
import { plumb } from "./plumb";
import { quit } from "./quit";
import { reconnect } from "./reconnect";
import { removePass } from "./removePass";
import { storePass } from "./storePass";
import { unlink } from "./unlink";
import { username } from "./username";
import { whois } from "./whois";

/** The table of contents of admin commands, in the order !help lists them. */
export const COMMANDS: readonly AdminCommand[] = [help, join, part, invite, listRooms, nick, whois, cmd, username, storePass, removePass, certfp, quit, reconnect, plumb, unlink, bridgeVersion];
