"use strict";
// Stand-in for @matrix-org/matrix-sdk-crypto-nodejs, installed through package.json "overrides".
// The real package downloads a native library from outside the npm registry in a postinstall
// script, and this bridge does not do end-to-end encryption. Loading this module succeeds and
// exports nothing usable: touching any export throws, so encryption can never half-work.
const MESSAGE = "end-to-end encryption is not supported by this bridge";

function refuse() {
  throw new Error(MESSAGE);
}

module.exports = new Proxy(
  {},
  {
    get(_target, prop) {
      // Answer the probes that module loaders and interop helpers make, then refuse the rest.
      if (typeof prop === "symbol" || prop === "__esModule" || prop === "then" || prop === "default") {
        return undefined;
      }
      return refuse();
    },
    has() {
      return false;
    },
    ownKeys() {
      return [];
    },
  },
);
