import jsonata from 'jsonata';
import { JSONPath } from 'jsonpath-plus';

// Call an API's response mapping, evaluated where the request runs (the node package stays browser-safe):
// each mapping's JSONPath (jsonpath-plus, script filters in its safe evaluator) or JSONata expression is
// applied to the parsed JSON response. The answers travel with the HTTP result into the outbox, so a
// replayed step sees exactly what the first one saw; the node then type-checks and stores them.

export interface ResponseMappingSpec {
  id: string;
  syntax: 'jsonpath' | 'jsonata';
  path: string;
}

/** One mapping's answer: a JSON value, nothing found, or why the expression could not be evaluated. */
export type MappedValue = { value: unknown } | { missing: true } | { error: string };

const JSONATA_TIMEOUT_MS = 1000;

/** Evaluates every mapping against a response body; a body that is not JSON fails each mapping by name. */
export async function evaluateResponseMapping(body: string, mappings: readonly ResponseMappingSpec[]): Promise<Record<string, MappedValue>> {
  const out: Record<string, MappedValue> = {};
  if (mappings.length === 0) return out;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    for (const m of mappings) out[m.id] = { error: 'The response is not JSON' };
    return out;
  }
  for (const m of mappings) out[m.id] = await evaluateOne(json, m);
  return out;
}

async function evaluateOne(json: unknown, m: ResponseMappingSpec): Promise<MappedValue> {
  try {
    const raw = m.syntax === 'jsonata' ? await withTimeout(jsonata(m.path).evaluate(json), JSONATA_TIMEOUT_MS) : jsonPath(json, m.path);
    if (raw === undefined) return { missing: true };
    // Plain JSON only (JSONata marks sequences with extra properties); it is stored with the result.
    return { value: JSON.parse(JSON.stringify(raw)) as unknown };
  } catch (e) {
    // JSONata throws plain objects ({ code, message, position }), not Errors.
    const message =
      typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
    return { error: message };
  }
}

function jsonPath(json: unknown, path: string): unknown {
  const normalised = path.startsWith('$') ? path : path.startsWith('[') ? `$${path}` : `$.${path}`;
  // wrap: false → one match is the value itself, several are an array, none is undefined.
  return JSONPath({ path: normalised, json: json as object, wrap: false, eval: 'safe' });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The expression took longer than ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
