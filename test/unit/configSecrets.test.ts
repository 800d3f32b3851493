/**
 * Passwords in the config (a network's server password, the IRC bot's password): in clear, from a
 * file, or sealed with the bridge's password key; every wrong one is a config error that names its
 * key and never shows the secret.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { App } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/validate";
import { buildNetworkContext } from "../../src/irc/networkContext";
import { buildRegistration } from "../../src/matrix/registration";
import { parseSealArgs } from "../../src/cli/sealSecret";
import { looseFileWarning, sealConfigSecret } from "../../src/secrets/configSecret";
import { networkSecrets } from "../../src/secrets/networkSecrets";
import { PasswordSeal } from "../../src/secrets/passwordSeal";
import { silentLogger } from "../support/silentLogger";

const dir = mkdtempSync(join(tmpdir(), "config-secrets-"));
const keyHex = randomBytes(32).toString("hex");
const keyFile = join(dir, "passkey");
writeFileSync(keyFile, `${keyHex}\n`, { mode: 0o600 });
const seal = PasswordSeal.fromFile(keyFile);
const otherSeal = PasswordSeal.fromKey(randomBytes(32));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** A network config with these keys (YAML flow values). */
function network(keys: string, bot = "") {
  const config = parseConfig(
    `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example, ${keys} bot: { enabled: true, nick: bridgebot ${bot} } }
`,
    "test.yaml",
  );
  return config.ircNetworks[0] ?? assert.fail("no network");
}

/** The ConfigError reading the network's secrets throws: its problems, and its whole message. */
function refusal(keys: string, bot = "", withSeal: PasswordSeal | null = seal): { paths: string[]; message: string } {
  try {
    networkSecrets(network(keys, bot), "ircNetworks[0]", withSeal ?? undefined);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return { paths: err.problems.map((p) => p.path), message: err.message };
  }
  return assert.fail("the secrets were accepted");
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe("config secrets", () => {

  it("none configured: no server password, no bot login", () => {
    const secrets = networkSecrets(network(""), "ircNetworks[0]", seal);
    assert.equal(secrets.serverPassword, undefined);
    assert.equal(secrets.bot, undefined);
  });

  it("in clear in the config: used as given, and the bot's account defaults to its nick", () => {
    const secrets = networkSecrets(network("password: pass-1,", ", password: 'bot pass with spaces'"), "ircNetworks[0]", undefined);
    assert.equal(secrets.serverPassword, "pass-1");
    assert.deepEqual(secrets.bot, { account: "bridgebot", password: "bot pass with spaces" });
  });

  it("from a file: its text without the final line break; the bot's own account name", () => {
    const pass = file("pass", "from-file\n");
    const botPass = file("botpass", "bot-from-file\r\n");
    const secrets = networkSecrets(network(`passwordFile: ${JSON.stringify(pass)},`, `, account: botaccount, passwordFile: ${JSON.stringify(botPass)}`), "ircNetworks[0]", undefined);
    assert.equal(secrets.serverPassword, "from-file");
    assert.deepEqual(secrets.bot, { account: "botaccount", password: "bot-from-file" });
  });

  it("sealed, in the config or in a file: opened with the password key", () => {
    const sealedPass = sealConfigSecret(seal, "sealed-server-pass", "libera", "password");
    const sealedBot = file("sealedbot", `${sealConfigSecret(seal, "sealed-bot-pass", "libera", "bot.password")}\n`);
    assert.ok(!sealedPass.includes("sealed-server-pass"));
    const secrets = networkSecrets(network(`password: ${JSON.stringify(sealedPass)},`, `, passwordFile: ${JSON.stringify(sealedBot)}`), "ircNetworks[0]", seal);
    assert.equal(secrets.serverPassword, "sealed-server-pass");
    assert.equal(secrets.bot?.password, "sealed-bot-pass");
  });

  it("a sealed value with no key file names the key and bridge.passwordKeyFile", () => {
    const sealedPass = sealConfigSecret(seal, "s3cret-x", "libera", "password");
    const { paths, message } = refusal(`password: ${JSON.stringify(sealedPass)},`, "", null);
    assert.deepEqual(paths, ["ircNetworks[0].password"]);
    assert.match(message, /bridge\.passwordKeyFile/);
    assert.ok(!message.includes(sealedPass.slice(10)), "the sealed value is not shown");
  });

  it("a sealed value that does not open (another key, network or config key) names its key; the secret is never shown", () => {
    const cases: [string, string, string, string][] = [
      [sealConfigSecret(otherSeal, "s3cret-a", "libera", "password"), "password", "", "ircNetworks[0].password"],
      [sealConfigSecret(seal, "s3cret-b", "oftc", "password"), "password", "", "ircNetworks[0].password"],
      [sealConfigSecret(seal, "s3cret-c", "libera", "bot.password"), "password", "", "ircNetworks[0].password"],
      [sealConfigSecret(seal, "s3cret-d", "libera", "password"), "", "bot", "ircNetworks[0].bot.password"],
    ];
    for (const [sealed, serverKey, botKey, path] of cases) {
      const { paths, message } = refusal(serverKey === "" ? "" : `password: ${JSON.stringify(sealed)},`, botKey === "" ? "" : `, password: ${JSON.stringify(sealed)}`);
      assert.deepEqual(paths, [path]);
      assert.match(message, /does not open with bridge\.passwordKeyFile/);
      assert.ok(!/s3cret/.test(message) && !message.includes(sealed.slice(10)), message);
    }
  });

  it("both the value and the file, a missing or empty file, a file of two lines: errors name the keys, not the secret", () => {
    assert.deepEqual(refusal(`password: s3cret-e, passwordFile: ${JSON.stringify(file("e", "s3cret-e"))},`).paths, ["ircNetworks[0].password", "ircNetworks[0].passwordFile"]);
    const missing = refusal(`passwordFile: ${JSON.stringify(join(dir, "absent"))},`);
    assert.deepEqual(missing.paths, ["ircNetworks[0].passwordFile"]);
    assert.match(missing.message, /cannot read .*absent: ENOENT/);
    assert.deepEqual(refusal(`passwordFile: ${JSON.stringify(file("empty", "\n"))},`).paths, ["ircNetworks[0].passwordFile"]);
    const twoLines = refusal("", `, passwordFile: ${JSON.stringify(file("two", "s3cret-f\ns3cret-g\n"))}`);
    assert.deepEqual(twoLines.paths, ["ircNetworks[0].bot.passwordFile"]);
    assert.ok(!/s3cret/.test(twoLines.message), twoLines.message);
    // A server password is one word (PASS takes one); the bot's may have spaces.
    assert.deepEqual(refusal(`passwordFile: ${JSON.stringify(file("spaced", "two words\n"))},`).paths, ["ircNetworks[0].passwordFile"]);
  });

  it("every wrong key at once, and an account without a password", () => {
    const both = refusal(`passwordFile: ${JSON.stringify(join(dir, "absent"))},`, `, passwordFile: ${JSON.stringify(join(dir, "absent2"))}`);
    assert.deepEqual(both.paths, ["ircNetworks[0].passwordFile", "ircNetworks[0].bot.passwordFile"]);
    assert.deepEqual(refusal("", ", account: someone").paths, ["ircNetworks[0].bot.account"]);
  });

  it("a wrongly typed password is refused without showing it", () => {
    try {
      parseConfig(
        `
homeserver: { url: "http://hs.example:8008", domain: example.org }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example, password: 98765432, bot: { password: 12345678 } }
`,
        "test.yaml",
      );
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => p.path), ["ircNetworks[0].password", "ircNetworks[0].bot.password"]);
      assert.ok(!/98765432|12345678/.test(err.message), err.message);
    }
  });

  it("a secret file others may read gets a warning naming the key", () => {
    const loose = file("loose", "x\n");
    chmodSync(loose, 0o644);
    assert.match(looseFileWarning(loose, "ircNetworks[0].passwordFile") ?? "", /ircNetworks\[0\]\.passwordFile: .* may be read by group or others \(mode 0644\)/);
    assert.equal(looseFileWarning(file("tight", "x\n"), "p"), undefined);
  });

  it("the network's context carries them: every connection's PASS and the bot's login", () => {
    const config = network(`passwordFile: ${JSON.stringify(file("ctx", "ctx-pass\n"))},`, ", password: bot-pw");
    const context = buildNetworkContext(config, "example.org", networkSecrets(config, "ircNetworks[0]", seal));
    assert.equal(context.server.password, "ctx-pass");
    assert.deepEqual(context.bot.auth, { account: "bridgebot", password: "bot-pw" });
  });

  it("the bridge does not start on a sealed value that does not open (exit 3), naming the key", () => {
    const sealed = sealConfigSecret(otherSeal, "s3cret-h", "libera", "password");
    const config = parseConfig(
      `
homeserver: { url: "http://hs.example:8008", domain: example.org }
bridge: { passwordKeyFile: ${JSON.stringify(keyFile)} }
ircNetworks:
  - { id: libera, name: Libera, address: irc.libera.example, password: ${JSON.stringify(sealed)} }
`,
      "test.yaml",
    );
    assert.throws(
      () => new App({ config, registration: buildRegistration(config, "http://localhost:9995"), logger: silentLogger() }),
      (err: unknown) => err instanceof ConfigError && err.problems.map((p) => p.path).join() === "ircNetworks[0].password",
    );
  });
});

describe("seal-secret", () => {
  const cli = join(__dirname, "..", "..", "src", "cli", "sealSecret.js");

  it("seals what it reads on standard input; the bridge opens it for that network and key only", () => {
    const out = execFileSync(process.execPath, [cli, "--key-file", keyFile, "--network", "libera", "--key", "password"], { input: "piped-pass\n", encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] }).trim();
    assert.match(out, /^sealed:v1:[A-Za-z0-9+/=]+$/);
    assert.ok(!out.includes("piped-pass"));
    assert.equal(networkSecrets(network(`password: ${JSON.stringify(out)},`), "ircNetworks[0]", seal).serverPassword, "piped-pass");
    assert.deepEqual(refusal("", `, password: ${JSON.stringify(out)}`).paths, ["ircNetworks[0].bot.password"]);
  });

  it("takes the secret from standard input only, and the key file from the config or --key-file", () => {
    assert.throws(() => parseSealArgs(["--network", "libera", "--key", "password", "hunter2"]), /needs a value|unknown argument/);
    assert.throws(() => parseSealArgs(["--network", "libera", "--key", "nick", "--key-file", "k"]), /--key must be one of/);
    assert.throws(() => parseSealArgs(["--network", "libera", "--key", "password"]), /either -c/);
    assert.deepEqual(parseSealArgs(["-c", "c.yaml", "--network", "libera", "--key", "bot.password"]), { config: "c.yaml", keyFile: undefined, network: "libera", key: "bot.password" });
  });

  it("refuses a server password with a space (PASS takes one word), exit 2", () => {
    assert.throws(
      () => execFileSync(process.execPath, [cli, "--key-file", keyFile, "--network", "libera", "--key", "password"], { input: "two words\n", stdio: ["pipe", "pipe", "pipe"] }),
      (err: unknown) => typeof err === "object" && err !== null && "status" in err && err.status === 2,
    );
  });
});
