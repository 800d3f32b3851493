import type { SayPlan } from "./outgoingLines";
import type { PacedQueue } from "./pacedQueue";

/**
 * Queues the lines of one message (see IrcConnection.say) and resolves with the msgid of its first
 * confirmation: each line's echo, or the batch's one echo after its closing line. False, with
 * nothing queued, when the queue has no room for all of them.
 * Guarantee for a draft/multiline batch: it is never left open on the server. Only its opening
 * line carries the deadline; when that line is given up (expired, cleared), the batch's other
 * lines are taken back before they are written, and once it is written the rest follow.
 */
export function queueSay(plan: SayPlan, queue: PacedQueue, maxQueued: number, deadline: number | undefined, confirm: () => Promise<string | undefined>): Promise<string | undefined> | false {
  if (plan.lines.length > maxQueued - queue.length) return false;
  if (plan.echoes === "batch") {
    const [opening, ...rest] = plan.lines;
    const first = opening === undefined ? false : queue.push(opening, deadline);
    if (first === false) return false;
    const written = rest.map((line) => queue.push(line));
    first.catch((err: unknown) => rest.forEach((line) => queue.withdraw(line, err instanceof Error ? err : new Error(String(err)))));
    const last = written[written.length - 1];
    if (last === undefined || last === false || written.includes(false)) return false;
    return Promise.all([first, ...written]).then(confirm);
  }
  const confirmed: Promise<string | undefined>[] = [];
  for (const line of plan.lines) {
    const pushed = queue.push(line, deadline);
    if (pushed === false) return false;
    confirmed.push(pushed.then(confirm));
  }
  return Promise.all(confirmed).then((msgids) => msgids[0]);
}
