import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { delayWithoutPeriod } from "./eventLoopDelay";

/** The period of the event-loop lag histogram's timer (see createMetrics). */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * Every metric the bridge exports, in one place. Names start with ircbridge_; labels are bounded
 * (network, direction, outcome, kind): never a room, a channel or a user.
 */
export function createMetrics() {
  const registry = new Registry();
  // The event-loop lag histogram samples on a timer of this period. prom-client's default (10 ms)
  // woke an idle bridge 100 times a second, about 0.6% of a core with nothing to do; a 100 ms timer
  // still sees any stall that spans one of its ticks (10 samples a second for the p99). The
  // histogram counts the period itself too; the delay gauges report without it (eventLoopDelay.ts).
  collectDefaultMetrics({ register: registry, prefix: "ircbridge_process_", eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  delayWithoutPeriod(registry, "ircbridge_process_", EVENT_LOOP_SAMPLE_MS);
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
      help: "Requests refused: to the application-service API for a missing or wrong token (reason missing, wrong); to any of the bridge's HTTP listeners for a body over bridge.maxTxnSize (too_large).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    bridgedMessages: new Counter({
      name: "ircbridge_bridged_messages_total",
      help: "Messages bridged, by direction (irc_to_matrix, matrix_to_irc).",
      labelNames: ["direction"] as const,
      registers: [registry],
    }),
    mediaRequests: new Counter({
      name: "ircbridge_media_requests_total",
      help: "Requests for the bridge's signed media and paste links, by outcome (served, forged, expired, not_found, method, busy, too_large, cut, upstream_error).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    mediaBytes: new Counter({
      name: "ircbridge_media_bytes_total",
      help: "Bytes of media and pastes streamed to the holders of signed links.",
      registers: [registry],
    }),
    undeliverable: new Counter({
      name: "ircbridge_undeliverable_total",
      help: "Messages that could not be bridged (the sender was told), by direction and reason.",
      labelNames: ["direction", "reason"] as const,
      registers: [registry],
    }),
    brokerHandovers: new Counter({
      name: "ircbridge_broker_handovers_total",
      help: "Times a channel's reader connection changed.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    readsPutOff: new Counter({
      name: "ircbridge_irc_reads_put_off_total",
      help: "Reads put off: times a connection that had heard only copies of channel lines another connection heard was read again at the pause's tick (connections.readPauseMs), not at once.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    brokerDuplicates: new Counter({
      name: "ircbridge_broker_duplicates_dropped_total",
      help: "IRC events heard again by a channel's reader and dropped as duplicates.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    roomQueueDepth: new Gauge({
      name: "ircbridge_room_queue_depth",
      help: "Matrix operations waiting in the per-room queues.",
      registers: [registry],
    }),
    pendingMatrixSends: new Gauge({
      name: "ircbridge_pending_matrix_sends",
      help: "IRC messages waiting for the homeserver (journalled on disk).",
      registers: [registry],
    }),
    roomOpsGivenUp: new Counter({
      name: "ircbridge_room_ops_given_up_total",
      help: "Matrix operations the homeserver refused for good.",
      registers: [registry],
    }),
    roomOpsDropped: new Counter({
      name: "ircbridge_room_ops_dropped_total",
      help: "Changes from IRC (ghost joins and leaves, topics, notices) not applied because their room's queue was full (homeserver.maxQueuedPerRoom); the room is told. Messages are counted in ircbridge_undeliverable_total.",
      registers: [registry],
    }),
    ircConnections: new Gauge({
      name: "ircbridge_irc_connections",
      help: "IRC connections of Matrix users, by network.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    ircConnectionsUp: new Gauge({
      name: "ircbridge_irc_connections_registered",
      help: "IRC connections of Matrix users that are registered with the server right now, by network.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    connectWaiting: new Gauge({
      name: "ircbridge_connect_waiting",
      help: "Connections waiting for the connect scheduler's turn, by network.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    connectBreakerTrips: new Counter({
      name: "ircbridge_connect_breaker_trips_total",
      help: "Times the server refused connections (throttled, banned, too many) and the network was backed off.",
      labelNames: ["network"] as const,
      registers: [registry],
    }),
    ircDisconnects: new Counter({
      name: "ircbridge_irc_disconnects_total",
      help: "IRC connections lost unexpectedly, by network and whether the server said we were throttled.",
      labelNames: ["network", "throttled"] as const,
      registers: [registry],
    }),
    ghostRegistrationsWaiting: new Gauge({
      name: "ircbridge_ghost_registrations_waiting",
      help: "Ghost accounts waiting for their turn to be registered (ghosts.registrationsPerSecond).",
      registers: [registry],
    }),
    ghostRegistrationWait: new Histogram({
      name: "ircbridge_ghost_registration_wait_seconds",
      help: "How long each ghost registration waited for its turn.",
      buckets: [0, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    homeserverReachable: new Gauge({
      name: "ircbridge_homeserver_reachable",
      help: "1 when the last call to the homeserver succeeded, 0 when it failed.",
      registers: [registry],
    }),
    storeWritesFailing: new Gauge({
      name: "ircbridge_store_writes_failing",
      help: "Places in the store (collections, journals) whose writes are failing for lack of disk (ENOSPC, EDQUOT, EROFS, EIO); 0 when every write succeeds.",
      registers: [registry],
    }),
    storeWriteFailures: new Counter({
      name: "ircbridge_store_write_failures_total",
      help: "Writes to the store that failed for lack of disk, by error code.",
      labelNames: ["code"] as const,
      registers: [registry],
    }),
    unhandledRejections: new Counter({
      name: "ircbridge_unhandled_rejections_total",
      help: "Promise rejections nothing handled (a bug: each is logged); the bridge is degraded after one.",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
