# Runs INSIDE the sid chroot (python3 + PyYAML come with matrix-synapse).
# Usage: python3 - <generated.yaml> <out.yaml> <datadir> <bind_host> <port> <appservice_dir>
# Turns the config produced by `--generate-config` into the test-env config.
import glob
import os
import sys

import yaml

gen_path, out_path, data, host, port, as_dir = sys.argv[1:7]

with open(gen_path) as f:
    cfg = yaml.safe_load(f)

# Very high limits: tests must never be throttled by Synapse.
HIGH = {"per_second": 100000, "burst_count": 1000000}

cfg.update(
    {
        "server_name": "localhost",
        "public_baseurl": "http://%s:%s/" % (host, port),
        "listeners": [
            {
                "port": int(port),
                "bind_addresses": [host],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                # "openid": /_matrix/federation/v1/openid/userinfo on this listener (no federation
                # listener here), so the bridge's OpenID widget sign-in can be tested (e2e/openId).
                "resources": [{"names": ["client", "openid"], "compress": False}],
            }
        ],
        "database": {
            "name": "sqlite3",
            "args": {"database": os.path.join(data, "homeserver.db")},
        },
        "media_store_path": os.path.join(data, "media_store"),
        "log_config": os.path.join(data, "log.config.yaml"),
        "signing_key_path": os.path.join(data, "localhost.signing.key"),
        "report_stats": False,
        "enable_registration": True,
        "enable_registration_without_verification": True,
        "registration_shared_secret": "testenv-shared-secret",
        "suppress_key_server_warning": True,
        "trusted_key_servers": [],
        # No federation at all (no federation listener, no outbound federation).
        "federation_domain_whitelist": [],
        "enable_metrics": False,
        "url_preview_enabled": False,
        # every *.yaml in $IRCBRIDGE_TESTENV_DIR/appservices (sorted)
        "app_service_config_files": sorted(glob.glob(os.path.join(as_dir, "*.yaml"))),
        # rate limits (every rc_* key Synapse 1.160 knows)
        "rc_message": HIGH,
        "rc_registration": HIGH,
        "rc_registration_token_validity": HIGH,
        "rc_login": {"address": HIGH, "account": HIGH, "failed_attempts": HIGH},
        "rc_admin_redaction": HIGH,
        "rc_joins": {"local": HIGH, "remote": HIGH},
        "rc_joins_per_room": HIGH,
        "rc_key_requests": HIGH,
        "rc_3pid_validation": HIGH,
        "rc_invites": {"per_room": HIGH, "per_user": HIGH, "per_issuer": HIGH},
        "rc_third_party_invite": HIGH,
        "rc_media_create": HIGH,
        "rc_presence": {"per_user": HIGH},
        "rc_delayed_event_mgmt": HIGH,
        "rc_room_creation": HIGH,
        # Anyone may publish to the room directory, so a story can see a portal that leaks there (the
        # default lets nobody, and a leak could not show).
        "room_list_publication_rules": [{"action": "allow"}],
        "rc_reports": HIGH,
        "rc_user_directory": HIGH,
    }
)
# we manage the pid ourselves (Synapse runs in the foreground)
cfg.pop("pid_file", None)

log_cfg = {
    "version": 1,
    "formatters": {
        "precise": {
            "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"
        }
    },
    "handlers": {
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "formatter": "precise",
            "filename": os.path.join(data, "homeserver.log"),
            "maxBytes": 20 * 1024 * 1024,
            "backupCount": 2,
            "encoding": "utf8",
        }
    },
    "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
    "root": {"level": "WARNING", "handlers": ["file"]},
    "disable_existing_loggers": False,
}

with open(out_path + ".tmp", "w") as f:
    yaml.safe_dump(cfg, f, default_flow_style=False, sort_keys=False)
os.replace(out_path + ".tmp", out_path)
with open(os.path.join(data, "log.config.yaml"), "w") as f:
    yaml.safe_dump(log_cfg, f, default_flow_style=False, sort_keys=False)
