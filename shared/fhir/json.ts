// Strict, null-safe walking of untrusted FHIR JSON. Every problem becomes a FhirFormatError that
// names the element path (and the file or endpoint when the caller said which), never a TypeError.

/** A FHIR document did not have the shape Samstem needs. `path` is FHIRPath-like: `Bundle.entry[3].resource`. */
export class FhirFormatError extends Error {
  readonly path: string;
  readonly source?: string;
  constructor(path: string, problem: string, source?: string) {
    super(`${source ? `${source}: ` : ''}${path} ${problem}`);
    this.name = 'FhirFormatError';
    this.path = path;
    this.source = source;
  }
}

export type Json = Record<string, unknown>;

/** Throws a FhirFormatError at element `n` (a function, so TypeScript narrows after it). */
export function fail(n: Node | undefined, problem: string): never {
  throw n ? n.error(problem) : new FhirFormatError('(document)', problem);
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value in the document with its path: the helpers check types as they go. */
export class Node {
  constructor(
    readonly value: unknown,
    readonly path: string,
    readonly source?: string,
  ) {}

  fail(problem: string): never {
    throw new FhirFormatError(this.path, problem, this.source);
  }

  /** The error for this element, to `throw` (lets TypeScript narrow at the call site). */
  error(problem: string): FhirFormatError {
    return new FhirFormatError(this.path, problem, this.source);
  }

  isPresent(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  obj(): Json {
    if (!isObject(this.value)) throw this.error(this.isPresent() ? 'must be an object' : 'is missing');
    return this.value;
  }

  /** Child element (absent children are Nodes with value undefined). */
  at(key: string): Node {
    const v = isObject(this.value) ? this.value[key] : undefined;
    return new Node(v, `${this.path}.${key}`, this.source);
  }

  has(key: string): boolean {
    return this.at(key).isPresent();
  }

  /** Required non-empty string element. */
  str(key: string): string {
    const n = this.at(key);
    if (typeof n.value !== 'string' || n.value === '') throw n.error(n.isPresent() ? 'must be a non-empty string' : 'is missing');
    return n.value;
  }

  optStr(key: string): string | undefined {
    const n = this.at(key);
    if (!n.isPresent()) return undefined;
    if (typeof n.value !== 'string') throw n.error('must be a string');
    return n.value === '' ? undefined : n.value;
  }

  optNum(key: string): number | undefined {
    const n = this.at(key);
    if (!n.isPresent()) return undefined;
    if (typeof n.value !== 'number' || !Number.isFinite(n.value)) throw n.error('must be a number');
    return n.value;
  }

  optBool(key: string): boolean | undefined {
    const n = this.at(key);
    if (!n.isPresent()) return undefined;
    if (typeof n.value !== 'boolean') throw n.error('must be true or false');
    return n.value;
  }

  /** Optional object child, or undefined. */
  optObj(key: string): Node | undefined {
    const n = this.at(key);
    if (!n.isPresent()) return undefined;
    n.obj();
    return n;
  }

  /** Array child; absent means empty. Every item must be an object. */
  arr(key: string): Node[] {
    const n = this.at(key);
    if (!n.isPresent()) return [];
    if (!Array.isArray(n.value)) throw n.error('must be an array');
    // Index loop, not map(): a sparse array (not JSON, but a caller's object might be) has holes map() skips.
    const out: Node[] = [];
    for (let i = 0; i < n.value.length; i++) {
      const item = new Node((n.value as unknown[])[i], `${n.path}[${i}]`, this.source);
      item.obj();
      out.push(item);
    }
    return out;
  }

  /** Array of strings child; absent means empty. */
  strArr(key: string): string[] {
    const n = this.at(key);
    if (!n.isPresent()) return [];
    if (!Array.isArray(n.value)) throw n.error('must be an array');
    const out: string[] = [];
    for (let i = 0; i < n.value.length; i++) {
      const v: unknown = (n.value as unknown[])[i];
      if (typeof v !== 'string') throw new Node(v, `${n.path}[${i}]`, this.source).error('must be a string');
      out.push(v);
    }
    return out;
  }

  // ---- extensions ----

  /** All extensions (or sub-extensions) with this url, in order. */
  exts(url: string): Node[] {
    return this.arr('extension').filter((e) => e.str('url') === url);
  }

  ext(url: string): Node | undefined {
    return this.exts(url)[0];
  }

  /** Url compared case-insensitively: SFM clients differ in spelling (createPLL/createpll). */
  extCi(url: string): Node | undefined {
    const u = url.toLowerCase();
    return this.arr('extension').find((e) => e.str('url').toLowerCase() === u);
  }

  // ---- datatypes ----

  /** First coding in a CodeableConcept with the system (or any coding when system is undefined). */
  coding(system?: string): { code?: string; display?: string; node: Node } | undefined {
    for (const c of this.arr('coding')) {
      const sys = c.optStr('system');
      if (system === undefined || sys === system) return { code: c.optStr('code'), display: c.optStr('display'), node: c };
    }
    return undefined;
  }

  /** Identifier value whose type.text is `text`. */
  identifierByText(text: string, key = 'identifier'): string | undefined {
    for (const id of this.arr(key)) {
      const t = id.optObj('type');
      if (t && t.optStr('text') === text) return id.optStr('value');
    }
    return undefined;
  }
}

/** Root node for an untrusted document. */
export function root(json: unknown, name: string, source?: string): Node {
  return new Node(json, name, source);
}

/** Date part (YYYY-MM-DD) of a FHIR date or dateTime string. */
export function datePart(n: Node, v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  if (!m?.[1]) throw n.error(`must be a date (YYYY-MM-DD), got "${v.slice(0, 40)}"`);
  return m[1];
}

/** Fresh id for a resource in a written bundle: SFM resource ids are transient by design. */
export function newId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  // Fallback for old runtimes: RFC 4122 v4 shape from Math.random (ids are not security tokens).
  const hex = [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Drop undefined properties (so written JSON has no `"x": undefined` and deep-equal is exact). */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
