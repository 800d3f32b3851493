import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { FederationNet, HttpAnswer, PinnedRequest, SrvRecord } from "./federationNet";

/**
 * The real FederationNet: system DNS, and GETs over node:http(s) to the pinned address.
 * Guarantees: an answer is read to at most `maxBytes` and within `timeoutMs` (else the request is
 * destroyed and rejected); redirects are not followed; https checks the certificate against
 * `tlsName`, not against the address connected to.
 */
export function federationHttp(opts: { readonly timeoutMs: number; readonly maxBytes: number }): FederationNet {
  return {
    async lookup(host) {
      if (isIP(host) !== 0) return [host];
      const found = await dns.lookup(host, { all: true, verbatim: true });
      if (found.length === 0) throw new Error(`${host} has no address`);
      return found.map((a) => a.address);
    },
    async resolveSrv(name) {
      try {
        const records: SrvRecord[] = await dns.resolveSrv(name);
        return records;
      } catch {
        return [];
      }
    },
    get: (request) => get(request, opts.timeoutMs, opts.maxBytes),
  };
}

function get(request: PinnedRequest, timeoutMs: number, maxBytes: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      host: request.address,
      port: request.port,
      path: request.path,
      method: "GET",
      headers: { Host: request.hostHeader, Accept: "application/json" },
      timeout: timeoutMs,
      agent: false,
    };
    // SNI must be a name; an IP literal is checked against the certificate's IP entries anyway.
    if (request.scheme === "https" && isIP(request.tlsName) === 0) options.servername = request.tlsName;
    const req = (request.scheme === "https" ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Rejected first: the rest of the answer may already be in, and its "end" then resolves nothing.
          reject(new Error(`answer larger than ${maxBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
