/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every line must be a HELP, a TYPE or
 * a sample, every sample must belong to a family declared with HELP and TYPE before it, and values must
 * be numbers. Returns the samples by metric name.
 */
export interface ParsedSample {
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  help: string;
  type: string;
  samples: ParsedSample[];
}

const HELP = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/;
const TYPE = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g;

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith("\n")) throw new Error("The exposition must end with a newline");
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const help = HELP.exec(line);
    if (help) {
      helps.set(help[1], help[2]);
      continue;
    }
    const type = TYPE.exec(line);
    if (type) {
      const text = helps.get(type[1]);
      if (text === undefined) throw new Error(`TYPE before HELP for ${type[1]}`);
      if (families.has(type[1])) throw new Error(`${type[1]} declared twice`);
      families.set(type[1], { help: text, type: type[2], samples: [] });
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`Not a Prometheus text line: ${JSON.stringify(line)}`);
    const family = families.get(sample[1]);
    if (!family) throw new Error(`Sample of undeclared metric: ${line}`);
    const value = Number(sample[3].replace("+Inf", "Infinity"));
    if (Number.isNaN(value) && sample[3] !== "NaN") throw new Error(`Not a number: ${line}`);
    const labels = Object.fromEntries([...(sample[2] ?? "").matchAll(LABEL)].map((m) => [m[1], m[2]]));
    family.samples.push({ labels, value });
  }
  return families;
}
