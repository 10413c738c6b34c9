/**
 * Loads Prisma's schema engine compiled to WebAssembly.
 *
 * Two files, two packages, on purpose:
 * - the .wasm comes from the `prisma` CLI tarball (`prisma/build/schema_engine_bg.wasm`): its `version()`
 *   is the engine hash this CLI was released with (@prisma/engines-version), so migrations behave as the
 *   native engine of the same release would;
 * - the JS glue comes from `@prisma/schema-engine-wasm`, whose published version is older than that hash.
 *   The glue only has to provide the functions the .wasm imports; wasm-bindgen names each import with a
 *   hash of its signature, so a mismatch fails instantiation with a LinkError (caught below) rather than
 *   misbehaving.
 * The package's own entry (`schema_engine.js`) does `import … from "./schema_engine_bg.wasm"`, which Node
 * cannot load, so the glue module `schema_engine_bg.js` is wired to an instance created here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import { EnginePanic } from "./errors";

export type { SchemaEngine };

const require = createRequire(import.meta.url);

/** The .wasm file the installed prisma CLI ships. */
export function cliWasmPath(): string {
  return path.join(path.dirname(require.resolve("prisma/package.json")), "build", "schema_engine_bg.wasm");
}

/**
 * wasm-bindgen glue reports a Rust panic through this global before the wasm traps with "unreachable".
 * Keeping the last message lets a failed call be reported as the panic it was.
 */
let lastPanic: string | undefined;
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message: string) {
    lastPanic = message;
  },
};

let loaded = false;

/** Instantiates the wasm once per process; later calls are no-ops. */
export function loadWasmEngine(): void {
  if (loaded) return;
  const wasmPath = cliWasmPath();
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
  } catch (error) {
    if (!(error instanceof WebAssembly.LinkError)) throw error;
    // Its package.json is not in the package's "exports" (requiring it throws ERR_PACKAGE_PATH_NOT_EXPORTED): read it beside the entry.
    const glueManifest = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "package.json");
    const glueVersion = (JSON.parse(readFileSync(glueManifest, "utf8")) as { version: string }).version;
    throw new Error(
      `${wasmPath} does not fit the JS glue of @prisma/schema-engine-wasm ${glueVersion} (${error.message}). ` +
        "Install the @prisma/schema-engine-wasm version whose hash matches the prisma CLI's engine " +
        "(node_modules/@prisma/engines-version/package.json).",
    );
  }
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  loaded = true;
}

/** The engine hash compiled into the loaded wasm, e.g. "d1b3f377ca83…". */
export function engineVersion(): string {
  loadWasmEngine();
  return glue.version();
}

export function createWasmEngine(
  datamodels: [path: string, content: string][],
  adapterFactory: object,
  log: (jsonLine: string) => void,
): Promise<SchemaEngine> {
  loadWasmEngine();
  return glue.SchemaEngine.new({ datamodels: datamodels.length ? datamodels : undefined }, log, adapterFactory);
}

/**
 * Runs one engine call, turning a trap after a Rust panic into EnginePanic. After a panic the instance's
 * memory may be inconsistent, so callers must stop using it.
 */
export async function callEngine<T>(call: () => Promise<T> | T): Promise<T> {
  lastPanic = undefined;
  try {
    return await call();
  } catch (error) {
    if (lastPanic !== undefined) throw new EnginePanic(lastPanic);
    throw error;
  }
}
