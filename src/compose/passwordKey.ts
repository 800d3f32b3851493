import { ConfigError } from "../config/validate";
import { errorText } from "../errors";
import { PasswordSeal } from "../secrets/passwordSeal";

/** The configured password seal, or none; a key file that cannot be used stops the bridge (exit 3). */
export function loadSeal(keyFile: string | undefined): PasswordSeal | undefined {
  if (keyFile === undefined) return undefined;
  try {
    return PasswordSeal.fromFile(keyFile);
  } catch (err) {
    throw new ConfigError("the config", [{ path: "bridge.passwordKeyFile", message: errorText(err) }]);
  }
}
