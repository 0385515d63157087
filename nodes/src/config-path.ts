// Config paths as limits and placeholder rules write them: "buttons[].label", "contents.**".

export type PathSegment = string | number;

export interface ResolvedValue {
  path: PathSegment[];
  value: unknown;
}

/** Every value a pattern path reaches in `root` ("[]" fans out over array items). Missing parts reach nothing. */
export function resolvePath(root: unknown, pattern: string): ResolvedValue[] {
  const parts = splitPattern(pattern);
  let current: ResolvedValue[] = [{ path: [], value: root }];
  for (const part of parts) {
    const next: ResolvedValue[] = [];
    for (const { path, value } of current) {
      if (part === '[]') {
        if (Array.isArray(value)) {
          for (const [i, item] of value.entries()) next.push({ path: [...path, i], value: item });
        }
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && part in value) {
        next.push({ path: [...path, part], value: (value as Record<string, unknown>)[part] });
      }
    }
    current = next;
  }
  return current;
}

export function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  for (const piece of pattern.split('.')) {
    const m = /^([^[\]]*)((?:\[\])*)$/.exec(piece);
    if (!m) throw new Error(`Bad config path pattern "${pattern}"`);
    if (m[1]) out.push(m[1]);
    for (let i = 0; i < (m[2]?.length ?? 0) / 2; i++) out.push('[]');
  }
  return out;
}

/** Does a concrete path match a pattern? "[]" matches an index, a trailing "**" matches anything below. */
export function pathMatches(path: readonly PathSegment[], pattern: string): boolean {
  const parts = splitPattern(pattern);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === '**') return path.length >= i;
    const seg = path[i];
    if (seg === undefined) return false;
    if (part === '[]' ? typeof seg !== 'number' : seg !== part) return false;
  }
  return path.length === parts.length;
}

/** Every string inside a JSON-like value, with its path. */
export function walkStrings(value: unknown, path: PathSegment[] = [], out: ResolvedValue[] = []): ResolvedValue[] {
  if (typeof value === 'string') out.push({ path, value });
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walkStrings(v, [...path, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], out);
  }
  return out;
}

/** "buttons.2.label" for messages; readable enough for a marketer in a problems list. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.map((p) => (typeof p === 'number' ? `#${p + 1}` : p)).join(' › ');
}
