/**
 * Waits for `done` or `ms`, whichever comes first; never rejects (a rejection of `done` ends the
 * wait as its settling does). The timer does not keep the process up.
 */
export function waitAtMost(done: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    done.then(finish, finish);
  });
}
