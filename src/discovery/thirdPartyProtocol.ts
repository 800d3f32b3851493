/**
 * The bridge's networks described as one Matrix third-party protocol, "irc" (the AS API's
 * GET /thirdparty/protocol/irc), so clients can list the networks ("explore networks"), search a
 * channel or a nick on one of them, and filter the room directory by network.
 *
 * Guarantee: built from the config alone (network ids, names, addresses, icons); it says nothing
 * about any channel or user. Each network is one instance whose `network_id` is the network's id:
 * the homeserver derives the instance's `instance_id` from it (Synapse: "<appservice id>|<network id>"),
 * which is also the list the bridge publishes portals to (discovery/directoryListing.ts).
 */
import type { NetworkContext } from "../irc/networkContext";

export const PROTOCOL = "irc";

export interface FieldType {
  readonly regexp: string;
  readonly placeholder: string;
}

export interface ProtocolInstance {
  readonly network_id: string;
  readonly desc: string;
  readonly icon?: string;
  readonly fields: { readonly domain: string };
}

export interface Protocol {
  readonly user_fields: readonly string[];
  readonly location_fields: readonly string[];
  readonly icon: string;
  readonly field_types: Readonly<Record<string, FieldType>>;
  readonly instances: readonly ProtocolInstance[];
}

/** What a network's instance is searched by: its server's address (the incumbent's "domain"). */
export function domainOf(network: NetworkContext): string {
  return network.server.host.toLowerCase();
}

export function describeProtocol(networks: readonly NetworkContext[]): Protocol {
  const first = networks[0];
  return {
    user_fields: ["domain", "nick"],
    location_fields: ["domain", "channel"],
    icon: networks.find((n) => n.icon !== undefined)?.icon ?? "",
    field_types: {
      // Coarse on purpose (the spec's own advice): the lookups check each value properly.
      domain: { regexp: "[A-Za-z0-9][A-Za-z0-9.:_-]*", placeholder: first === undefined ? "irc.example.org" : domainOf(first) },
      nick: { regexp: "[A-Za-z[\\]\\\\`_^{|}][A-Za-z0-9[\\]\\\\`_^{|}-]*", placeholder: "SomeNick" },
      channel: { regexp: "[#&!+][^\\s,:\\x07]+", placeholder: "#channel" },
    },
    instances: networks.map((n) => ({
      network_id: n.id,
      desc: n.name,
      ...(n.icon === undefined ? {} : { icon: n.icon }),
      fields: { domain: domainOf(n) },
    })),
  };
}
