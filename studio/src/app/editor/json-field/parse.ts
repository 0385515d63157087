// Live parsing of the JSON field: a syntax error becomes a line/column the marketer can find; only a
// JSON object is accepted (a Flex container is one).

export type JsonParse = { ok: true; value: Record<string, unknown> } | { ok: false; error: JsonError };

export type JsonError = { kind: 'syntax'; line: number; column: number; message: string } | { kind: 'notObject' };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * The offset of the first syntax error, found by a small JSON scanner: engines word their JSON.parse
 * errors differently and V8 often gives no position at all ("Unexpected token '{', … is not valid JSON").
 */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.slice(i, i + word.length) !== word) fail();
    i += word.length;
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const ch = text[i] as string;
      if (ch < ' ') fail();
      if (ch !== '\\') {
        i++;
        continue;
      }
      const esc = text[i + 1];
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i += 2;
      else {
        i++;
        fail();
      }
    }
    if (i >= text.length) fail();
    i++; // closing quote
  };
  /** The items of an object or array up to `close`; `item` reads one. */
  const items = (close: string, item: () => void) => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      ws();
      if (text[i] === close) break;
      if (text[i] !== ',') fail();
      i++;
    }
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      items('}', () => {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (ch === '[') items(']', value);
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else {
      const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!num) fail();
      i += (num as RegExpExecArray)[0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
  return text.length;
}

/** The engine's message without its own location and the echoed input, which the line/column replace. */
function shortMessage(message: string): string {
  return message
    .replace(/^JSON\.parse: /, '')
    .replace(/,? *"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ at line \d+ column \d+ of the JSON data$/, '')
    .trim();
}

export function parseJsonObject(text: string): JsonParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { kind: 'syntax', ...lineColumn(text, syntaxErrorOffset(text)), message: shortMessage(message) } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: { kind: 'notObject' } };
  return { ok: true, value: value as Record<string, unknown> };
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
