import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { csApi, registerUser, type TestUser } from "../../../test/e2e/support/matrixClient";

export interface BenchUser extends TestUser {
  readonly localpart: string;
}

const isUser = (v: unknown): v is BenchUser =>
  typeof v === "object" && v !== null && "userId" in v && "token" in v && "localpart" in v && typeof v.userId === "string" && typeof v.token === "string" && typeof v.localpart === "string";

async function stillValid(user: BenchUser): Promise<boolean> {
  const res = await csApi("GET", "/_matrix/client/v3/account/whoami", user.token);
  return res.status === 200;
}

/**
 * `count` Matrix users registered through Synapse's shared-secret admin registration, before any
 * measurement (registration hashes a password: expensive, and not what the bench measures).
 * Localparts are `bu<run><index, 5 digits>`, so no nick is a prefix of another. Kept in `cacheFile`
 * and reused by later runs while their tokens still work (BENCH_FRESH_USERS=1 registers new ones).
 */
export async function benchUsers(count: number, cacheFile: string, fresh: boolean, log: (text: string) => void): Promise<BenchUser[]> {
  let users: BenchUser[] = [];
  if (!fresh && existsSync(cacheFile)) {
    const doc: unknown = JSON.parse(readFileSync(cacheFile, "utf8"));
    if (Array.isArray(doc)) users = doc.filter(isUser);
    const last = users.at(-1);
    if (users[0] === undefined || last === undefined || !(await stillValid(users[0])) || !(await stillValid(last))) users = [];
  }
  if (users.length >= count) return users.slice(0, count);
  const run = Date.now().toString(36);
  const started = Date.now();
  const wanted = count - users.length;
  const fresh5 = Array.from({ length: wanted }, (_, i) => `bu${run}${String(i).padStart(5, "0")}`);
  let next = 0;
  const made: BenchUser[] = [];
  const worker = async () => {
    while (next < fresh5.length) {
      const localpart = fresh5[next++] ?? "";
      const user = await registerUser(localpart);
      made.push({ ...user, localpart });
      if (made.length % 100 === 0) log(`registered ${made.length} / ${wanted} users`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(`registered ${wanted} users in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  users = [...users, ...made.sort((a, b) => a.localpart.localeCompare(b.localpart))];
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(users), { mode: 0o600 });
  return users.slice(0, count);
}
