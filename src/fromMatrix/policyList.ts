import type { MatrixHandler } from "./context";

/**
 * An event in a subscribed ban list's room (a policy rule set, replaced or emptied, or a redaction):
 * the ban lists update their rules and close the connections a new ban covers (src/access/).
 * Nothing in a list room reaches IRC.
 */
export const onPolicyListEvent: MatrixHandler = (event, ctx) => {
  ctx.banLists.apply(event);
};
