/** One measured layout: `users` Matrix users joined to `channels` channels (users spread evenly). */
export interface Scale {
  readonly users: number;
  readonly channels: number;
}

export const DEFAULT_SCALES = "100,400,1000,1000x100";

/**
 * Parses BENCH_SCALES: comma-separated `users` (one channel) or `usersxchannels`
 * (e.g. "100,400,1000,1000x100"). A malformed entry throws, naming it.
 */
export function parseScales(text: string): Scale[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((entry) => {
      const m = /^(\d+)(?:x(\d+))?$/.exec(entry);
      const users = Number(m?.[1]);
      const channels = Number(m?.[2] ?? 1);
      if (m === null || users < 1 || channels < 1 || channels > users) {
        throw new Error(`BENCH_SCALES: "${entry}" is not USERS or USERSxCHANNELS (at least one user per channel)`);
      }
      return { users, channels };
    });
}

export function scaleLabel(scale: Scale): string {
  return scale.channels === 1 ? `${scale.users} users, 1 channel` : `${scale.users} users, ${scale.channels} channels`;
}
