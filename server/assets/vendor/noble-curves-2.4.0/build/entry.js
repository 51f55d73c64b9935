// The ristretto255 group (RFC 9496) of @noble/curves, for the board page's check of
// a spoiled ballot's opening (docs/adr/0012). Nothing else is exported.
export { ristretto255 } from "@noble/curves/ed25519.js";
