/**
 * The engine's command line, as Prisma's CLI builds it (prisma/build/cli.js, SchemaEngine.internalInit
 * and the one-shot helper next to "can-connect-to-database"):
 *
 *   schema-engine [--datamodels <file>]… [--datasource '<json {url, shadowDatabaseUrl?}>']
 *                 [--enabled-preview-features a,b] [--extension-types '<json>'] [cli <command>]
 *   schema-engine --version
 */
export interface EngineArgs {
  datamodelPaths: string[];
  datasource: { url?: string; shadowDatabaseUrl?: string } | undefined;
  /** `cli <command>`: the one-shot form. */
  oneShotCommand: string | undefined;
  version: boolean;
}

/** Flags the CLI may pass that the WebAssembly engine takes from elsewhere (the schema) or not at all. */
const IGNORED_WITH_VALUE = new Set(["--enabled-preview-features", "--extension-types"]);

export function parseEngineArgs(argv: string[]): EngineArgs {
  const args: EngineArgs = { datamodelPaths: [], datasource: undefined, oneShotCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--datamodels") args.datamodelPaths.push(value());
    else if (arg === "--datasource") args.datasource = JSON.parse(value()) as EngineArgs["datasource"];
    else if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "cli") args.oneShotCommand = value();
    else if (IGNORED_WITH_VALUE.has(arg)) value();
    else throw new Error(`Unknown schema engine argument: ${arg}`);
  }
  return args;
}
