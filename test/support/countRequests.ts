import { MatrixApi } from "../../src/matrix/matrixApi";

/**
 * Records every homeserver request made through `api` (a FakeMatrixApi, whose methods do not go
 * through `request`) from now on, reads and writes alike, as "<method> <first argument>" (e.g.
 * "getState !room:x", "displayname @alice:x"), in order: each method of MatrixApi is one request
 * on the real homeserver.
 */
export function countRequests(api: MatrixApi): string[] {
  const requests: string[] = [];
  for (const name of Object.getOwnPropertyNames(MatrixApi.prototype)) {
    if (name === "constructor") continue;
    const descriptor = Object.getOwnPropertyDescriptor(MatrixApi.prototype, name);
    if (descriptor === undefined || typeof descriptor.value !== "function") continue;
    const method: unknown = Reflect.get(api, name);
    if (typeof method !== "function") continue;
    Reflect.set(api, name, (...args: unknown[]): unknown => {
      requests.push(`${name} ${String(args[0])}`);
      const result: unknown = Reflect.apply(method, api, args);
      return result;
    });
  }
  return requests;
}
