// A small namespace-aware element tree on top of saxes. KITH messages are small (kilobytes to a few
// megabytes), so a whole tree is simpler and safer than streaming. Works in Node and browsers: no
// DOMParser (Node lacks it), no Node built-ins.
import { SaxesParser } from 'saxes';
import { KithFormatError } from './errors';

export interface XmlElement {
  /** Local name (without prefix). */
  name: string;
  /** Namespace URI, '' when none. */
  ns: string;
  /** Attributes by local name (KITH attributes are unqualified: V, DN, S, U, OT). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text content directly inside this element (concatenated, not trimmed). */
  text: string;
  /** Slash path from the root, for error messages: `MsgHead/MsgInfo/MsgId`. */
  path: string;
}

/** Largest input accepted, in characters (or bytes). A real message is far below this. */
export const MAX_XML_LENGTH = 50 * 1024 * 1024;
/** Deepest element nesting accepted (real messages are < 30 deep). */
export const MAX_DEPTH = 100;

/** Decodes bytes to text: BOM first, then the XML declaration's encoding, else UTF-8. */
export function decodeXmlBytes(bytes: Uint8Array, source?: string): string {
  if (bytes.length > MAX_XML_LENGTH) {
    throw new KithFormatError(`file is too large (${bytes.length} bytes; at most ${MAX_XML_LENGTH})`, { source });
  }
  let encoding = 'utf-8';
  let offset = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    offset = 3;
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    offset = 2;
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    offset = 2;
  } else {
    // The declaration is ASCII in every encoding we accept; read it byte by byte.
    let head = '';
    for (let i = 0; i < Math.min(bytes.length, 200); i++) head += String.fromCharCode(bytes[i] ?? 0);
    const decl = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    if (decl?.[1]) encoding = normaliseEncoding(decl[1], source);
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(offset));
  } catch (cause) {
    throw new KithFormatError(`the bytes are not valid ${encoding} text`, { source, cause });
  }
}

function normaliseEncoding(label: string, source?: string): string {
  const l = label.toLowerCase();
  if (l === 'utf-8' || l === 'utf8') return 'utf-8';
  // WHATWG TextDecoder maps latin1/iso-8859-1 to windows-1252, a superset for printable text.
  if (l === 'iso-8859-1' || l === 'latin1' || l === 'iso8859-1' || l === 'windows-1252' || l === 'cp1252' || l === 'us-ascii' || l === 'ascii') {
    return 'windows-1252';
  }
  if (l === 'iso-8859-15' || l === 'latin9') return 'iso-8859-15';
  if (l === 'utf-16' || l === 'utf-16le') return 'utf-16le';
  if (l === 'utf-16be') return 'utf-16be';
  throw new KithFormatError(`unsupported character encoding "${label}" in the XML declaration`, { source });
}

/**
 * Parses XML text (or bytes) into an element tree. Throws KithFormatError for anything that is not
 * one well-formed XML document: empty input, truncation, unbound prefixes, nesting deeper than
 * MAX_DEPTH, input larger than MAX_XML_LENGTH.
 */
export function parseXml(input: string | Uint8Array, source?: string): XmlElement {
  let text = typeof input === 'string' ? input : decodeXmlBytes(input, source);
  if (text.length > MAX_XML_LENGTH) {
    throw new KithFormatError(`file is too large (${text.length} characters; at most ${MAX_XML_LENGTH})`, { source });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new KithFormatError('the file is empty, expected an XML document', { source });
  if (!/^\s*</.test(text)) throw new KithFormatError('not an XML document (it does not start with "<")', { source });

  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: KithFormatError | undefined;
  const fail = (message: string, cause?: unknown) => {
    failure ??= new KithFormatError(message, { source, element: stack.map((e) => e.name).join('/') || undefined, cause });
  };

  parser.on('error', (err) => {
    fail(`not well-formed XML: ${err.message}`, err);
    // Stop saxes at the first error: throwing unwinds write(); we catch it below.
    throw failure;
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) {
      fail(`elements nested deeper than ${MAX_DEPTH} levels`);
      throw failure;
    }
    // No prototype: an attribute named __proto__ or constructor is just data.
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const a of Object.values(tag.attributes)) {
      // Skip namespace declarations; keep the rest by local name.
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const parent = stack[stack.length - 1];
    const el: XmlElement = {
      name: tag.local,
      ns: tag.uri ?? '',
      attrs,
      children: [],
      text: '',
      path: parent ? `${parent.path}/${tag.local}` : tag.local,
    };
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });

  try {
    parser.write(text).close();
  } catch (cause) {
    if (cause instanceof KithFormatError) throw cause;
    throw new KithFormatError(`not well-formed XML: ${cause instanceof Error ? cause.message : String(cause)}`, { source, cause });
  }
  if (failure) throw failure;
  if (!root) throw new KithFormatError('no root element found', { source });
  if (stack.length > 0) throw new KithFormatError(`the file ends inside element ${stack[stack.length - 1]?.path}`, { source });
  return root;
}

// ---- Finding things in the tree ----

/** First child with this local name (any namespace). */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All children with this local name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Follows a slash path of local names from `el`: `at(head, 'MsgInfo/Type')`. */
export function at(el: XmlElement | undefined, path: string): XmlElement | undefined {
  if (path === '') return el;
  let cur = el;
  for (const part of path.split('/')) {
    cur = child(cur, part);
    if (!cur) return undefined;
  }
  return cur;
}

/** All elements matching a slash path (the last step may match several). */
export function all(el: XmlElement | undefined, path: string): XmlElement[] {
  const parts = path.split('/');
  const last = parts.pop() ?? '';
  const parent = parts.length ? at(el, parts.join('/')) : el;
  return children(parent, last);
}

/** Depth-first search for descendants with this local name (not descending into matches). */
export function descendants(el: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const todo: XmlElement[] = el ? [...el.children].reverse() : [];
  while (todo.length) {
    const cur = todo.pop() as XmlElement;
    if (cur.name === name) out.push(cur);
    else for (let i = cur.children.length - 1; i >= 0; i--) todo.push(cur.children[i] as XmlElement);
  }
  return out;
}

/** Longest text accepted for an ordinary field; longer means the file is broken or hostile. */
export const MAX_FIELD_LENGTH = 10_000;

/** Trimmed text of an element, or undefined when absent or empty. */
export function textOf(el: XmlElement | undefined, source?: string, max = MAX_FIELD_LENGTH): string | undefined {
  if (!el) return undefined;
  const t = el.text.trim();
  if (t.length > max) {
    throw new KithFormatError(`element ${el.path} is longer than ${max} characters (${t.length})`, { source, element: el.path });
  }
  return t === '' ? undefined : t;
}

/** Trimmed text at a path below `el`, or undefined. */
export function textAt(el: XmlElement | undefined, path: string, source?: string, max?: number): string | undefined {
  return textOf(at(el, path), source, max);
}

/** Like textAt, but the element must be present and non-empty. */
export function requireText(el: XmlElement, path: string, source?: string, max?: number): string {
  const t = textAt(el, path, source, max);
  if (t === undefined) throw missing(el, path, source);
  return t;
}

/** Like at, but the element must be present. */
export function requireChild(el: XmlElement, path: string, source?: string): XmlElement {
  const c = at(el, path);
  if (!c) throw missing(el, path, source);
  return c;
}

/** An attribute (V, DN, …) of the element at `path`, trimmed; undefined when absent or empty. */
export function attrAt(el: XmlElement | undefined, path: string, attr: string, source?: string): string | undefined {
  const target = path === '' ? el : at(el, path);
  const v = target?.attrs[attr]?.trim();
  if (v !== undefined && v.length > MAX_FIELD_LENGTH) {
    throw new KithFormatError(`attribute ${attr} of ${target?.path} is too long`, { source, element: target?.path });
  }
  return v === '' ? undefined : v;
}

export function missing(el: XmlElement, path: string, source?: string): KithFormatError {
  const full = `${el.path}/${path}`;
  return new KithFormatError(`missing required element ${full}`, { source, element: full });
}

/** Largest base64 payload accepted, in characters. */
export const MAX_BASE64_LENGTH = 40 * 1024 * 1024;

/** Decodes a base64 element's text to bytes (whitespace ignored). */
export function decodeBase64(el: XmlElement, source?: string): Uint8Array {
  const b64 = el.text.replace(/\s+/g, '');
  if (b64.length > MAX_BASE64_LENGTH) {
    throw new KithFormatError(`base64 content in ${el.path} is too large`, { source, element: el.path });
  }
  if (b64 === '') throw new KithFormatError(`element ${el.path} is empty, expected base64 content`, { source, element: el.path });
  let bin: string;
  try {
    bin = atob(b64);
  } catch (cause) {
    throw new KithFormatError(`element ${el.path} is not valid base64`, { source, element: el.path, cause });
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Decodes a base64 element holding an XML document to its text. */
export function decodeBase64Xml(el: XmlElement, source?: string): string {
  const bytes = decodeBase64(el, source);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Komprimering=1 is requested in M9.5/M9.11, yet RF sends plain base64 (SFM-BASIS-API.md §3.2).
    throw new KithFormatError(`${el.path} holds gzip-compressed content, which this reader does not unpack`, { source, element: el.path });
  }
  return decodeXmlBytes(bytes, source ? `${source} (${el.path})` : el.path);
}
