import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every metric the bridge exports, in one place. Names start with ircbridge_; labels are bounded
 * (network, direction, outcome, kind): never a room, a channel or a user.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ircbridge_process_" });
  return {
    registry,
    transactions: new Counter({
      name: "ircbridge_as_transactions_total",
      help: "Application-service transactions received from the homeserver, by outcome.",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    matrixEvents: new Counter({
      name: "ircbridge_matrix_events_total",
      help: "Matrix events received in transactions, by kind (pdu or ephemeral).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    transactionSeconds: new Histogram({
      name: "ircbridge_as_transaction_seconds",
      help: "Time to process one application-service transaction before acknowledging it.",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: "ircbridge_as_rejected_requests_total",
      help: "Requests to the application-service API refused for a missing or wrong token.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    homeserverReachable: new Gauge({
      name: "ircbridge_homeserver_reachable",
      help: "1 when the last call to the homeserver succeeded, 0 when it failed.",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
