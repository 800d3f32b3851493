# Runs INSIDE the sid chroot (python3 + PyYAML come with matrix-synapse).
# Usage: python3 - <in ircd.yaml> <out.yaml> <datadir> <listen host:port> <oper bcrypt hash>
#        [<tls listen host:port> <cert> <key> <server password bcrypt hash>]   (ergo-secure)
# Starts from the package default config (/etc/ergochat/ircd.yaml) and changes
# only what the test environment needs. fakelag is deliberately left at the
# package defaults (enabled).
import os
import sys

import yaml

src, out, data, listen, oper_hash = sys.argv[1:6]
secure = sys.argv[6:10]

with open(src) as f:
    cfg = yaml.safe_load(f)

cfg["network"]["name"] = "ErgoTest"
srv = cfg["server"]
srv["name"] = "ergo.test"
# exactly one plaintext listener; no TLS / websocket listeners
srv["listeners"] = {listen: None}
srv.setdefault("sts", {})["enabled"] = False
if secure:
    # ergo-secure: a second, separate Ergo for TLS, STS, a server password and client certificates.
    tls_listen, cert, key, pass_hash = secure
    cfg["network"]["name"] = "ErgoSecure"
    srv["name"] = "secure.test"
    srv["listeners"] = {listen: None, tls_listen: {"tls": {"cert": cert, "key": key}}}
    # The plaintext listener advertises the TLS port (IRCv3 sts); a short duration keeps tests honest.
    srv["sts"] = {"enabled": True, "port": int(tls_listen.rsplit(":", 1)[1]), "duration": "5m", "preload": False}
    srv["password"] = pass_hash
    # PASS is the server password here, never an account login.
    cfg["accounts"]["login-via-pass-command"] = False
srv["output-path"] = data
srv["lookup-hostnames"] = False
srv["forward-confirm-hostnames"] = False

# Connection limits: loopback is exempt from the per-IP concurrent limit and the
# connection throttle (needed: >= 400 concurrent connections, fast reconnects).
lim = srv.setdefault("ip-limits", {})
lim["count"] = True
lim["throttle"] = True
lim["exempted"] = ["localhost", "127.0.0.0/8", "::1/128"]

acc = cfg["accounts"]
acc["authentication-enabled"] = True
reg = acc["registration"]
reg["enabled"] = True
reg["allow-before-connect"] = True
reg.setdefault("email-verification", {})["enabled"] = False
# the default is a *global* throttle of 30 registrations / 10 min: far too low
reg.setdefault("throttling", {})["enabled"] = False
acc.setdefault("require-sasl", {})["enabled"] = False

hist = cfg["history"]
hist["enabled"] = True
hist["channel-length"] = max(int(hist.get("channel-length") or 0), 2048)
hist["chathistory-maxmessages"] = max(int(hist.get("chathistory-maxmessages") or 0), 1000)
# draft/message-redaction (REDACT) is advertised only when users may delete their own messages
hist.setdefault("retention", {})["allow-individual-delete"] = True

# fakelag stays ON with the package defaults
fl = cfg.setdefault("fakelag", {})
fl["enabled"] = True

# oper "admin" with a known password (TESTENV_ERGO_OPER_PASS)
cfg.setdefault("opers", {}).setdefault("admin", {"class": "server-admin"})
cfg["opers"]["admin"]["password"] = oper_hash

cfg["lock-file"] = os.path.join(data, "ircd.lock")
cfg["datastore"]["path"] = os.path.join(data, "ircd.db")
cfg["logging"] = [{"method": "stderr", "type": "* -userinput -useroutput", "level": "info"}]

with open(out + ".tmp", "w") as f:
    yaml.safe_dump(cfg, f, default_flow_style=False, sort_keys=False)
os.replace(out + ".tmp", out)

print(
    "fakelag: enabled=%s window=%s burst-limit=%s messages-per-window=%s cooldown=%s"
    % (fl.get("enabled"), fl.get("window"), fl.get("burst-limit"),
       fl.get("messages-per-window"), fl.get("cooldown"))
)
