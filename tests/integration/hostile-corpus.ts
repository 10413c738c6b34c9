/**
 * The hostile requests replayed by hostile-requests.test.ts: the ones known to hurt this stack (superjson `meta`
 * recursion and quadratic Set paths, unbounded bodies and batches, wrong admin tokens, TRACE, invisible
 * names) and the usual fuzz classes (malformed JSON, wrong types, oversize, odd methods, paths, headers,
 * injection strings, prototype pollution). Each case says what a correct server answers where that is
 * fixed; every case must get an answer below 500 that leaks nothing.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the corpus sends template-injection probes such as "${7*7}" as text.

export interface HostileCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
  /** Declare this Content-Length but send only `body` (a client that lies, or is slow). */
  declaredLength?: number;
  /** The status a correct server gives, when it is fixed. */
  status?: number | number[];
}

const T = "/api/trpc";
const JSON_TYPE = { "content-type": "application/json" };
const q = (procedure: string, input: string) => `${T}/${procedure}?input=${encodeURIComponent(input)}`;
const post = (procedure: string, body: string | Buffer, headers: Record<string, string> = JSON_TYPE) => ({
  method: "POST",
  path: `${T}/${procedure}`,
  headers,
  body,
});

/** `[[[…"x"…]]]` nested `depth` deep: what made superjson recurse until the stack overflowed. */
function nestedArray(depth: number): string {
  return `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;
}

function metaBombs(): HostileCase[] {
  const cases: HostileCase[] = [
    {
      name: "a 100-byte GET whose meta asks superjson to rebuild a Set path",
      method: "GET",
      path: q("user.list", '{"json":{"limit":1},"meta":{"values":{"limit":["x","y"]},"v":1}}'),
      status: 400,
    },
  ];
  for (const depth of [2, 10, 100, 1_000, 3_000])
    for (const key of ["limit", "search", "cursor"]) {
      cases.push({
        name: `meta values nested ${depth} deep on ${key}`,
        method: "GET",
        path: q("user.list", `{"json":{"${key}":1},"meta":{"values":{"${key}":${nestedArray(depth)}},"v":1}}`),
        status: [400, 414, 431],
      });
    }
  // Set annotations with many paths: quadratic in superjson. Within the body limit (400), and past it (413).
  for (const paths of [100, 2_000, 80_000]) {
    const annotation = JSON.stringify(Object.fromEntries(Array.from({ length: paths }, (_, i) => [`a${i}`, ["set"]])));
    cases.push({
      name: `Set annotation with ${paths} paths`,
      ...post("user.create", `{"json":{"name":"x","email":"x@e.co"},"meta":{"values":${annotation},"v":1}}`),
      status: paths > 2_000 ? 413 : 400,
    });
  }
  for (const [what, meta] of [
    ["Date", '{"values":{"name":["Date"]}}'],
    ["Map", '{"values":{"name":["map"]}}'],
    ["class", '{"values":{"name":[["class","Object"]]}}'],
    ["custom", '{"values":{"name":[["custom","x"]]}}'],
    ["referential equalities", '{"referentialEqualities":{"name":["email"]}}'],
    ["__proto__ path", '{"values":{"__proto__.polluted":["undefined"]}}'],
    ["constructor path", '{"values":{"constructor.prototype.polluted":["undefined"]}}'],
    ["null", "null"],
    ["empty", "{}"],
    ["huge version", '{"v":1e308}'],
  ] as const) {
    cases.push({
      name: `meta ${what} (POST)`,
      ...post("user.create", `{"json":{"name":"Meta","email":"meta@e.co"},"meta":${meta}}`),
      status: 400,
    });
    cases.push({
      name: `meta ${what} (GET)`,
      method: "GET",
      path: q("user.list", `{"json":{},"meta":${meta}}`),
      status: 400,
    });
  }
  return cases;
}

const MALFORMED_JSON = [
  "",
  "{",
  "}",
  "[",
  '{"json":',
  '{"json":{"limit":}}',
  "{json:{}}",
  "{'json':{}}",
  '{"json":{}}}',
  '{"json":{},}',
  "undefined",
  "NaN",
  "Infinity",
  "-",
  "01",
  "1e99999",
  '"\\ud800"',
  '"\\u00"',
  '"\\x41"',
  "\u00ef\u00bb\u00bf{}",
  "{}garbage",
  "tru",
  "nul",
  '{"a":1 "b":2}',
  nestedArray(20_000),
  "{".repeat(10_000),
  `{"json":${'{"a":'.repeat(5_000)}1${"}".repeat(5_001)}`,
  "\u0000",
  "[1,2,3",
  '"unterminated',
  '{"json":"\\',
  '{"json":\u0001}',
  '{"json":{"limit":1}}\n{"json":{}}',
  "//comment\n{}",
  "/*x*/{}",
  "0x10",
  ".5",
  "+1",
  "--1",
  "[,]",
];

function malformedJson(): HostileCase[] {
  return MALFORMED_JSON.flatMap((text, i) => [
    // "" is no ?input= at all: user.list's input is optional. 431: Node refuses a request line past its header limit.
    {
      name: `malformed JSON #${i} (GET user.list)`,
      method: "GET",
      path: q("user.list", text),
      status: text === "" ? [200] : [400, 414, 431],
    },
    {
      name: `malformed JSON #${i} (GET user.byId)`,
      method: "GET",
      path: q("user.byId", text),
      status: [400, 414, 431],
    },
    { name: `malformed JSON #${i} (POST user.create)`, ...post("user.create", text), status: 400 },
    { name: `malformed JSON #${i} (POST user.delete)`, ...post("user.delete", text), status: 400 },
  ]);
}

const NOT_ENVELOPES = [
  "null",
  "1",
  '"x"',
  "[]",
  "true",
  '{"json":null}',
  '{"json":[]}',
  '{"JSON":{}}',
  '{"json":{},"x":1}',
  '{"__proto__":{"json":1}}',
  '{"constructor":{"prototype":{"json":1}}}',
  '{"json":"text"}',
];

function wrongShapes(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [i, input] of NOT_ENVELOPES.entries()) {
    for (const procedure of ["user.list", "user.byId", "consistency.progress"])
      cases.push({ name: `shape #${i} on ${procedure}`, method: "GET", path: q(procedure, input), status: [400] });
    for (const procedure of ["user.create", "user.update", "user.delete"])
      cases.push({ name: `shape #${i} on ${procedure}`, ...post(procedure, input), status: [400] });
  }
  return cases;
}

/** Names a person cannot see, or that the database cannot store. */
const BAD_NAMES: unknown[] = [
  "\u3164",
  "\u3164\u3164\u3164",
  "\u2800",
  "\u2800 \u2800",
  "\u180e",
  "\u{e0041}\u{e0042}",
  "\u{e0001}",
  "\u200b",
  "\u200b\u200c\u200d",
  "\u2060",
  "\ufeff",
  "\u115f",
  "\u1160",
  "\uffa0",
  "  ",
  "\t",
  "\n",
  "\u00a0",
  "\u3000",
  "\u0301",
  "\u0000",
  "a\u0000b",
  "\u0007bell",
  "\u001b[31mred",
  "\u202eevil",
  "\u2066x",
  "\ud800",
  "x\udfff",
  "a".repeat(101),
  "a".repeat(10_000),
  42,
  true,
  null,
  [],
  {},
  ["Ada"],
  { first: "Ada" },
];
const BAD_EMAILS: unknown[] = [
  "",
  "no-at",
  "@example.com",
  "a@",
  "a@b",
  `${"a".repeat(250)}@e.co`,
  "a b@e.co",
  "a@e.co\u0000",
  1,
  null,
  ["a@e.co"],
  { email: "a@e.co" },
];
/** Hostile but legitimate text: stored as text, never run. */
const INJECTIONS = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  "Robert'); DROP TABLE students;--",
  '" OR ""="',
  "%",
  "_",
  "\\",
  "$1",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "../../etc/passwd",
  "%00",
  "\u202a",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "SELECT pg_sleep(10)",
  "1; SELECT pg_sleep(10)",
  "ᚠᛇᚻ",
  "Zoë 李 😀",
];

function fieldFuzz(run: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const create = (name: unknown, email: unknown) => JSON.stringify({ json: { name, email } });
  BAD_NAMES.forEach((name, i) => {
    cases.push({
      name: `invisible or invalid name #${i} (create)`,
      ...post("user.create", create(name, `bad-name-${i}-${run}@e.co`)),
      status: 400,
    });
    cases.push({
      name: `invisible or invalid name #${i} (update)`,
      ...post("user.update", JSON.stringify({ json: { id: 1, name } })),
      status: 400,
    });
  });
  for (const [i, email] of BAD_EMAILS.entries())
    cases.push({ name: `invalid email #${i}`, ...post("user.create", create("Ada", email)), status: 400 });
  INJECTIONS.forEach((text, i) => {
    cases.push({
      name: `injection as a name #${i}`,
      ...post("user.create", create(text, `inject-${i}-${run}@e.co`)),
      status: text === "\u202a" ? 400 : 200,
    });
    cases.push({
      name: `injection as a search #${i}`,
      method: "GET",
      path: q("user.list", JSON.stringify({ json: { search: text } })),
      status: text === "\u202a" ? 400 : 200,
    });
  });
  // biome-ignore lint/correctness/noPrecisionLoss: 1e309 is meant to overflow to Infinity, which JSON sends as null.
  for (const limit of [-1, 0, 101, 1e309, "1", 1.5, null, [], {}, 2 ** 53])
    cases.push({
      name: `limit ${JSON.stringify(limit)}`,
      method: "GET",
      path: q("user.list", JSON.stringify({ json: { limit } })),
      status: 400,
    });
  for (const id of [0, -1, 2 ** 31, 1.5, "1", null, [], 1e308, -0.0001]) {
    cases.push({
      name: `byId ${JSON.stringify(id)}`,
      method: "GET",
      path: q("user.byId", JSON.stringify({ json: { id } })),
      status: 400,
    });
    cases.push({
      name: `cursor ${JSON.stringify(id)}`,
      method: "GET",
      path: q("user.list", JSON.stringify({ json: { cursor: id } })),
      status: 400,
    });
    cases.push({
      name: `delete ${JSON.stringify(id)}`,
      ...post("user.delete", JSON.stringify({ json: { id } })),
      status: 400,
    });
  }
  cases.push({
    name: "prototype pollution in a create",
    ...post(
      "user.create",
      `{"json":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"name":"Proto","email":"proto-${run}@e.co"}}`,
    ),
    status: [200, 400],
  });
  cases.push({ name: "update with nothing to change", ...post("user.update", '{"json":{"id":1}}'), status: 400 });
  return cases;
}

function oversize(): HostileCase[] {
  const padded = (bytes: number) => `{"json":{"name":"${"a".repeat(bytes)}","email":"big@e.co"}}`;
  const cases: HostileCase[] = [];
  for (const bytes of [64 * 1024, 100_000, 1_000_000, 3_000_000]) {
    cases.push({ name: `body of ${bytes} bytes`, ...post("user.create", padded(bytes)), status: 413 });
    cases.push({
      name: `chunked body of ${bytes} bytes`,
      ...post("user.create", padded(bytes)),
      chunked: true,
      status: 413,
    });
  }
  for (const declared of [100 * 1024 * 1024, 2 ** 40])
    cases.push({
      name: `declares ${declared} bytes, sends 1 KB`,
      ...post("user.create", padded(1_000)),
      declaredLength: declared,
      status: 413,
    });
  for (const bytes of [8_300, 12_000, 15_000])
    cases.push({
      name: `URL of ${bytes} bytes`,
      method: "GET",
      path: q("user.list", JSON.stringify({ json: { search: "a".repeat(bytes) } })),
      status: 414,
    });
  for (const calls of [21, 50, 100, 400]) {
    const procedures = Array.from({ length: calls }, () => "user.list").join(",");
    cases.push({
      name: `batch of ${calls} queries`,
      method: "GET",
      path: `${T}/${procedures}?batch=1&input=%7B%7D`,
      status: 400,
    });
    const inputs = JSON.stringify(
      Object.fromEntries(
        Array.from({ length: calls }, (_, i) => [i, { json: { name: "Batch", email: `batch${i}@e.co` } }]),
      ),
    );
    cases.push({
      name: `batch of ${calls} creates`,
      ...post(Array.from({ length: calls }, () => "user.create").join(","), inputs),
      path: `${T}/${Array.from({ length: calls }, () => "user.create").join(",")}?batch=1`,
      status: 400,
    });
  }
  return cases;
}

function batchOddities(): HostileCase[] {
  return [
    {
      name: "batch input an array",
      method: "GET",
      path: `${T}/user.list,user.list?batch=1&input=${encodeURIComponent("[]")}`,
      status: [200, 400],
    },
    {
      name: "batch input a string",
      method: "GET",
      path: `${T}/user.list,user.list?batch=1&input=${encodeURIComponent('"x"')}`,
      status: 400,
    },
    { name: "batch input null", method: "GET", path: `${T}/user.list,user.list?batch=1&input=null`, status: 400 },
    {
      name: "batch with meta in one call",
      method: "GET",
      path: `${T}/user.list,user.list?batch=1&input=${encodeURIComponent('{"0":{"json":{}},"1":{"json":{},"meta":{"values":{"a":["set"]}}}}')}`,
      status: [200, 207, 400],
    },
    {
      name: "mixed query and mutation",
      ...post("user.list,user.create", "{}"),
      path: `${T}/user.list,user.create?batch=1`,
      status: [400, 405],
    },
    {
      name: "unknown procedure in a batch",
      method: "GET",
      path: `${T}/user.list,nope.nothing?batch=1&input=%7B%7D`,
      status: [200, 207, 404],
    },
    {
      name: "empty names in a batch",
      method: "GET",
      path: `${T}/user.list,,?batch=1&input=%7B%7D`,
      status: [207, 400, 404],
    },
    {
      name: "20 calls, the most allowed",
      method: "GET",
      path: `${T}/${Array.from({ length: 20 }, () => "user.list").join(",")}?batch=1&input=%7B%7D`,
      status: 200,
    },
    { name: "batch=0", method: "GET", path: `${T}/user.list,user.list?batch=0&input=%7B%7D`, status: [400, 404] },
    { name: "batch=1 twice", method: "GET", path: `${T}/user.list?batch=1&batch=1&input=%7B%7D`, status: [200, 400] },
  ];
}

function methodsAndPaths(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const method of ["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "HEAD"])
    for (const path of [`${T}/user.list`, `${T}/user.create`, `${T}/replication.status`])
      cases.push({ name: `${method} ${path}`, method, path, status: 405 });
  for (const name of [
    "",
    "nope",
    "user",
    "user.",
    ".list",
    "user..list",
    "__proto__",
    "constructor",
    "toString",
    "user.__proto__",
    "user.constructor",
    "user.list.call",
    "hasOwnProperty",
    "%2e%2e%2fetc",
    "..%2f..%2f",
    "user.list%00",
    "x".repeat(5_000),
    "user/list",
    "USER.LIST",
    "user.list;",
    "replication.__proto__.status",
    "_def",
    "user._def",
    "createCaller",
  ])
    cases.push({
      name: `procedure "${name.slice(0, 40)}"`,
      method: "GET",
      path: `${T}/${name}?input=%7B%7D`,
      status: [404, 400, 405],
    });
  return cases;
}

function headerFuzz(): HostileCase[] {
  const cases: HostileCase[] = [];
  const body = '{"json":{"name":"Header","email":"header@e.co"}}';
  for (const type of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "application/json, text/plain",
    "",
    "application/xml",
    "APPLICATION/JSON",
  ])
    cases.push({
      name: `content-type "${type}"`,
      ...post("user.update", body.replace("Header", "H"), type ? { "content-type": type } : {}),
      status: [400, 415],
    });
  for (const token of [
    "x",
    "0/",
    "1/2/3",
    "-1/0",
    "0/3000148; DROP TABLE users",
    "F".repeat(4_000),
    "1:0/0",
    "ffffffff:ffffffff/ffffffff",
    "0/0\u00ff",
    " ",
  ])
    cases.push({
      name: `consistency token "${token.slice(0, 30)}"`,
      method: "GET",
      path: q("user.list", "{}"),
      headers: { "x-consistency-token": token },
      status: [200, 400],
    });
  for (const authorization of [
    "Basic dGVzdDp0ZXN0",
    "Bearer",
    "Bearer ",
    `Bearer ${"x".repeat(7_000)}`,
    "Bearer a b",
    "bearer wrong",
    "Bearer \u00ff\u00fe",
    "Token x",
    "Bearer wrong, Bearer wrong2",
  ])
    cases.push({
      name: `authorization "${authorization.slice(0, 30)}"`,
      method: "GET",
      path: `${T}/replication.status`,
      headers: { authorization },
      status: [400, 401, 429],
    });
  cases.push({
    name: "8 KB header",
    method: "GET",
    path: q("user.list", "{}"),
    headers: { "x-padding": "p".repeat(8_000) },
    status: 200,
  });
  cases.push({
    name: "X-Forwarded-For spoof",
    method: "GET",
    path: `${T}/replication.status`,
    headers: {
      authorization: "Bearer wrong",
      "x-forwarded-for": "203.0.113.7",
      "x-tandem-client-address": "203.0.113.8",
    },
    status: [401, 429],
  });
  return cases;
}

function wrongAdminTokens(): HostileCase[] {
  return Array.from({ length: 30 }, (_, i) => ({
    name: `wrong admin token #${i}`,
    method: "GET",
    path: `${T}/replication.status`,
    headers: { authorization: `Bearer wrong-token-${i}` },
    status: [401, 429],
  }));
}

/** Every case, in a fixed order. `run` makes emails unique to this run. */
export function hostileCorpus(run: string): HostileCase[] {
  return [
    ...metaBombs(),
    ...malformedJson(),
    ...wrongShapes(),
    ...fieldFuzz(run),
    ...oversize(),
    ...batchOddities(),
    ...methodsAndPaths(),
    ...headerFuzz(),
    ...wrongAdminTokens(),
  ];
}
