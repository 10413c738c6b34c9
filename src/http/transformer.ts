/**
 * How values cross the wire, for the server (src/server/api/trpc.ts) and every client (./links.ts):
 * outputs are superjson (a Date in a result arrives as a Date), inputs are plain JSON in superjson's
 * envelope, `{"json": <input>}`.
 *
 * Why inputs are not superjson: no procedure takes a Date, Set or Map, and superjson's `meta` lets a
 * ~100-byte request make the deserializer recurse until the stack overflows, or walk Set paths in
 * quadratic time, blocking the event loop for seconds. Plain JSON costs one JSON.parse (linear) and this
 * check (constant). The envelope is kept so existing callers (`-d '{"json":{…}}'`, superjson clients
 * sending plain values) work unchanged; a `meta` is refused, not ignored, so a client relying on it
 * learns at once instead of receiving its Dates as strings.
 */
import superjson from "superjson";

/** A request input that is not `{"json": <value>}`; tRPC answers 400 with this message. */
export class InputFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputFormatError";
  }
}

const ENVELOPE = 'Send the input as {"json": <input>}';

/** The input inside its envelope; `{}` (how JSON.stringify writes `{json: undefined}`) is no input. */
export function unwrapPlainInput(envelope: unknown): unknown {
  if (typeof envelope !== "object" || envelope === null || Array.isArray(envelope)) {
    throw new InputFormatError(`The input must be a JSON object. ${ENVELOPE}.`);
  }
  if (Object.hasOwn(envelope, "meta")) {
    throw new InputFormatError(
      `Inputs are plain JSON: type annotations ("meta") are not accepted. ${ENVELOPE} without "meta".`,
    );
  }
  const keys = Object.keys(envelope);
  if (keys.some((key) => key !== "json")) {
    throw new InputFormatError(
      `The input has unexpected keys (${keys
        .filter((key) => key !== "json")
        .slice(0, 3)
        .join(", ")}). ${ENVELOPE}.`,
    );
  }
  return (envelope as { json?: unknown }).json;
}

export const plainJsonInput = {
  serialize: (value: unknown) => ({ json: value }),
  deserialize: unwrapPlainInput,
};

/** tRPC's `{ input, output }` transformer form: both sides use this one object. */
export const transformer = { input: plainJsonInput, output: superjson };
