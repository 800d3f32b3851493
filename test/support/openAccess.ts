import { allowEveryone, type AccessPolicy } from "../../src/access/accessPolicy";
import type { MatrixContext } from "../../src/fromMatrix/context";

/** The access hooks of a Matrix context: everyone allowed (or `access`), no ban lists followed. */
export function openAccess(access: AccessPolicy = allowEveryone): Pick<MatrixContext, "access" | "banLists"> {
  return { access, banLists: { isListRoom: () => false, apply: () => undefined } };
}
