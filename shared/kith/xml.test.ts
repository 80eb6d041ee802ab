import { describe, expect, it } from 'vitest';
import { KithFormatError } from './errors';
import { all, at, attrAt, decodeXmlBytes, descendants, parseXml, requireText, textAt, MAX_DEPTH } from './xml';

const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

function expectKithError(fn: () => unknown, pattern: RegExp): KithFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KithFormatError);
    expect((e as Error).message).toMatch(pattern);
    return e as KithFormatError;
  }
  throw new Error('expected a KithFormatError');
}

describe('parseXml', () => {
  it('builds a namespace-aware tree with local names, attributes and text', () => {
    const root = parseXml(
      '<a:MsgHead xmlns:a="urn:head" xmlns="urn:default"><Type V="ERM1" DN="Resept"/><Body><![CDATA[x<y]]> &amp; z</Body></a:MsgHead>',
      'f.xml',
    );
    expect(root).toMatchObject({ name: 'MsgHead', ns: 'urn:head', path: 'MsgHead' });
    expect(at(root, 'Type')).toMatchObject({ ns: 'urn:default', attrs: { V: 'ERM1', DN: 'Resept' }, path: 'MsgHead/Type' });
    expect(textAt(root, 'Body')).toBe('x<y & z');
    expect(attrAt(root, 'Type', 'V')).toBe('ERM1');
    expect(all(root, 'Type')).toHaveLength(1);
  });

  it('strips a BOM in text and in bytes', () => {
    expect(parseXml('\uFEFF<a>1</a>').text).toBe('1');
    expect(parseXml(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<a>ø</a>')])).text).toBe('ø');
  });

  it('decodes bytes by the XML declaration: ISO-8859-1 and windows-1252', () => {
    const doc = '<?xml version="1.0" encoding="ISO-8859-1"?><Navn>Bjørn Ærø</Navn>';
    expect(parseXml(latin1(doc)).text).toBe('Bjørn Ærø');
    expect(parseXml(latin1(doc.replace('ISO-8859-1', 'windows-1252'))).text).toBe('Bjørn Ærø');
  });

  it('decodes UTF-16 with a BOM', () => {
    const s = '<a>æøå</a>';
    const bytes = new Uint8Array(2 + s.length * 2);
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < s.length; i++) {
      bytes[2 + i * 2] = s.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = s.charCodeAt(i) >> 8;
    }
    expect(parseXml(bytes).text).toBe('æøå');
  });

  it('rejects latin1 bytes that claim to be UTF-8, naming the file', () => {
    const e = expectKithError(() => parseXml(latin1('<?xml version="1.0" encoding="UTF-8"?><a>Bjørn</a>'), 'M1.xml'), /^M1\.xml: .*not valid utf-8/);
    expect(e.source).toBe('M1.xml');
  });

  it('rejects an unsupported encoding label', () => {
    expectKithError(() => decodeXmlBytes(latin1('<?xml version="1.0" encoding="EBCDIC"?><a/>'), 'x.xml'), /unsupported character encoding "EBCDIC"/);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['hello', /not an XML document/],
    ['{"json":true}', /not an XML document/],
    ['<a><b></a>', /not well-formed/],
    ['<a><b>', /not well-formed|ends inside/],
    ['<a>', /not well-formed|ends inside/],
    ['<x:a/>', /not well-formed/],
    ['<a/><b/>', /not well-formed/],
    ['<a>&nope;</a>', /not well-formed/],
  ])('throws KithFormatError for %j', (input, pattern) => {
    expectKithError(() => parseXml(input, 'bad.xml'), pattern);
  });

  it('refuses nesting deeper than MAX_DEPTH instead of overflowing the stack', () => {
    const deep = '<a>'.repeat(MAX_DEPTH + 5) + '</a>'.repeat(MAX_DEPTH + 5);
    expectKithError(() => parseXml(deep), /nested deeper/);
    const ok = '<a>'.repeat(MAX_DEPTH) + '</a>'.repeat(MAX_DEPTH);
    expect(parseXml(ok).name).toBe('a');
  });
});

describe('tree helpers', () => {
  const root = parseXml('<R><A><B>1</B><B>2</B></A><C><D><B>3</B></D></C><Long>' + 'x'.repeat(10_001) + '</Long></R>', 'h.xml');

  it('finds by path and by descendant name', () => {
    expect(all(root, 'A/B').map((b) => b.text)).toEqual(['1', '2']);
    expect(descendants(root, 'B').map((b) => b.text)).toEqual(['1', '2', '3']);
  });

  it('requireText names the missing element and the file', () => {
    const e = expectKithError(() => requireText(root, 'A/Missing', 'h.xml'), /^h\.xml: missing required element R\/A\/Missing$/);
    expect(e.element).toBe('R/A/Missing');
  });

  it('refuses an absurdly long ordinary field', () => {
    expectKithError(() => textAt(root, 'Long', 'h.xml'), /R\/Long is longer than 10000 characters/);
  });
});
