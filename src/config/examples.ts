import { buildRegistration, renderRegistration } from "../matrix/registration";
import { parseConfig } from "./load";
import { renderSample } from "./sample";
import { configSchema } from "./schema";

/** The committed config.sample.yaml, as the schema renders it. */
export function renderSampleConfig(): string {
  return renderSample(configSchema);
}

/** The committed example registration.yaml: the sample config's registration with fake tokens. */
export function renderExampleRegistration(): string {
  const config = parseConfig(renderSampleConfig(), "config.sample.yaml");
  const registration = buildRegistration(config, `http://localhost:${config.bridge.port}`, {
    asToken: "FAKE-as-token-replace-me-by-generating-a-registration",
    hsToken: "FAKE-hs-token-replace-me-by-generating-a-registration",
  });
  return renderRegistration(registration);
}
