/**
 * Writes config.sample.yaml (from the schema) and registration.yaml (an example registration made
 * from that sample, with obviously fake tokens). Run with `npm run config:sample`; a test fails when
 * the committed files differ from what this produces.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderExampleRegistration, renderSampleConfig } from "../src/config/examples";

const root = join(__dirname, "..", "..");
writeFileSync(join(root, "config.sample.yaml"), renderSampleConfig());
writeFileSync(join(root, "registration.yaml"), renderExampleRegistration());
process.stdout.write("wrote config.sample.yaml and registration.yaml\n");
