import type { NetworkCommand, NetworkCommandContext } from "../command";

const USAGE = "Usage: !certfp [network] [new|remove]";

/**
 * !certfp [network] [new|remove]: the user's client certificate on a network (CertFP). Without an
 * argument it shows the certificate's SHA-256 fingerprint, creating the certificate first when the
 * user has none; `new` replaces it, `remove` deletes it. The key is never shown.
 */
export const certfp: NetworkCommand = {
  name: "certfp",
  args: "[network] [new|remove]",
  summary: "Creates (or shows) your client certificate for logging in with CertFP / SASL EXTERNAL; new replaces it, remove deletes it.",
  takesNetwork: true,
  async run(ctx, argv) {
    const [action, ...extra] = argv.map((a) => a.toLowerCase());
    if (extra.length > 0 || (action !== undefined && action !== "new" && action !== "remove")) return `!certfp takes new or remove, or nothing. ${USAGE}`;
    const { certificates, target, userId } = ctx;
    if (action === "remove") {
      const fingerprint = await certificates.fingerprint(target.id, userId);
      if (fingerprint === undefined || !(await certificates.remove(target.id, userId))) return `You have no client certificate for ${target.name}.`;
      return `Your client certificate for ${target.name} was removed; your connections no longer present it. Remove its fingerprint from your account with the network's services too (for example /msg NickServ CERT DEL ${fingerprint}).`;
    }
    const outcome = await certificates.create(target.id, userId, action === "new");
    if (!outcome.ok) return `No client certificate was created: ${outcome.reason}.`;
    const lines = [
      outcome.created ? `Created a client certificate for you on ${target.name}. Its SHA-256 fingerprint:` : `Your client certificate on ${target.name} has the SHA-256 fingerprint:`,
      outcome.fingerprint,
      registerHint(ctx, outcome.fingerprint),
      outcome.created
        ? "From your next connection (say !reconnect) the bridge presents it and logs you in with SASL EXTERNAL where the server offers it; where it is not accepted, your stored password (!storepass) is used, and you are told."
        : "Say !certfp new to replace it with a new one (the old fingerprint then no longer logs you in), or !certfp remove to delete it.",
    ];
    if (!certificates.usesTls(target.id)) lines.push(`Note: the bridge reaches ${target.name} without TLS, so no client certificate is sent there; it is kept for when the network is reached over TLS.`);
    return lines.join("\n");
  },
};

function registerHint(ctx: NetworkCommandContext, fingerprint: string): string {
  return `Register it with ${ctx.target.name}'s services for your account while you are identified to it, on most networks with /msg NickServ CERT ADD ${fingerprint} (from here: !cmd ${ctx.networks.length > 1 ? `${ctx.target.id} ` : ""}PRIVMSG NickServ :CERT ADD ${fingerprint}).`;
}
