// Runs the probes with Node's built-in fetch (undici), as a program calls it by default.
// stdin: the probes as JSON; stdout: {"version", "results"} (see tools/clients/harness.py).
const TIMEOUT_MS = 8000;

async function run(probe) {
  const init = { method: probe.method, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (probe.body) init.body = probe.body;
  if (probe.expect) init.headers = { Expect: "100-continue" };
  try {
    const response = await fetch(probe.url, init);
    const body = await response.arrayBuffer();
    return { status: response.status, body: body.byteLength };
  } catch (error) {
    // fetch() rejects with a TypeError whose cause says what went wrong
    const cause = error.cause;
    return { error: (cause && (cause.code || cause.name)) || error.name };
  }
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = {};
for (const probe of JSON.parse(input)) results[probe.id] = await run(probe);
process.stdout.write(JSON.stringify({ version: `${process.version.slice(1)} (undici ${process.versions.undici})`, results }));
