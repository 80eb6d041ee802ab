import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KithFormatError } from './errors';
import { readKithMessage } from './messages';
import { readKithFolder } from './folder';
import { readPasientExport } from './pasientExport';
import { parseXml, type XmlElement } from './xml';
import { HAVE_REFERENCE, SKIP_NOTE, refText, refXmlFiles, sample } from './referenceFiles.testutil';

/** Runs `fn`; any error must be a KithFormatError with a message naming the source. */
function onlyKithError(fn: () => unknown, source?: string): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof KithFormatError)) throw e;
    if (source) expect(e.message.startsWith(`${source}`)).toBe(true);
    return 'refused';
  }
}

const readAny = (input: string | Uint8Array | XmlElement, source: string) => {
  const root = input instanceof Uint8Array || typeof input === 'string' ? parseXml(input, source) : input;
  return root.name === 'PasientExport' ? readPasientExport(root, source) : readKithMessage(root, source);
};

function toLatin1(s: string): Uint8Array {
  return Uint8Array.from([...s].map((c) => {
    const code = c.charCodeAt(0);
    if (code > 255) throw new Error('not latin1');
    return code;
  }));
}

describe('fuzz: hostile and broken input gives KithFormatError, never TypeError', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(onlyKithError(() => readKithMessage(bytes, 'random.bin'), 'random.bin')).toBe('refused');
      }),
      { numRuns: 500 },
    );
  });

  it('random strings, also ones that start like XML', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24">${s}`)), (text) => {
        onlyKithError(() => readKithMessage(text, 'random.xml'), 'random.xml');
        onlyKithError(() => readPasientExport(text, 'random.xml'), 'random.xml');
      }),
      { numRuns: 500 },
    );
  });

  it('a 5 MB text node in a field is refused; in an unknown element it is ignored', () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const msg = (inner: string) =>
      `<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"><MsgInfo><Type V="ERM5"/><GenDate>2024-01-01T10:00:00+01:00</GenDate>` +
      `<MsgId>m-1</MsgId></MsgInfo><Document><RefDoc><Content><Tilbakekalling xmlns="http://www.kith.no/xmlstds/eresept/m5/2013-04-16">` +
      `<ReseptId>r-1</ReseptId><Arsak V="2" DN="Seponering"/>${inner}</Tilbakekalling></Content></RefDoc></Document></MsgHead>`;
    expect(() => readKithMessage(msg(`<Merknad>${huge}</Merknad>`), 'big.xml')).toThrow(/big\.xml: element .*Merknad is longer than 10000 characters/);
    const ok = readKithMessage(msg(`<Ukjent>${huge}</Ukjent>`), 'big.xml');
    expect(ok.type).toBe('ERM5');
    expect(() => readKithMessage(msg('').replace('<MsgId>m-1', `<MsgId>${huge}`), 'big.xml')).toThrow(KithFormatError);
    expect(() => readKithMessage(`<MsgHead>${huge}`, 'big.xml')).toThrow(KithFormatError);
  });
});

describe.skipIf(!HAVE_REFERENCE)(`fuzz on the real SFM.tools files${SKIP_NOTE}`, () => {
  const files = [...refXmlFiles('patient-odden'), ...refXmlFiles('message-samples')];
  const small = files.filter((f) => refText(f).length < 12_000);
  const big = files.filter((f) => refText(f).length >= 12_000);

  it('every truncation of a small real file is refused with the file named (or, if whole, read)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...small), fc.double({ min: 0, max: 1, noNaN: true }), (f, frac) => {
        const text = refText(f);
        const cut = Math.floor(text.length * frac);
        const name = f.split('/').pop() as string;
        const outcome = onlyKithError(() => readAny(text.slice(0, cut), name), name);
        if (cut < text.trimEnd().length) expect(outcome).toBe('refused');
      }),
      { numRuns: 400 },
    );
  });

  it('truncations of the large files (M9.6 with 6 attached M1s, M25.1, M9.12, PatientData)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...big), fc.double({ min: 0, max: 0.999, noNaN: true }), (f, frac) => {
        const text = refText(f);
        const name = f.split('/').pop() as string;
        expect(onlyKithError(() => readAny(text.slice(0, Math.floor(text.length * frac)), name), name)).toBe('refused');
      }),
      { numRuns: 60 },
    );
  });

  it('truncating the base64 of an attached M1 inside a well-formed M9.6 is refused', () => {
    const text = refText('patient-odden/6913a599-d654-4ed1-9be9-239522c4db73.xml');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7000 }), (keep) => {
        const broken = text.replace(/(<bas:Base64Container[^>]*>)([A-Za-z0-9+/=]+)(<\/bas:Base64Container>)/, (_m, a: string, b64: string, c: string) => a + b64.slice(0, keep) + c);
        expect(broken).not.toBe(text);
        expect(onlyKithError(() => readKithMessage(broken, 'ERM96.xml'), 'ERM96.xml')).toBe('refused');
      }),
      { numRuns: 40 },
    );
  });

  it('tree mutations (drop an element, replace a text or an attribute) never give anything but KithFormatError', () => {
    const parsed = small.map((f) => [f.split('/').pop() as string, refText(f)] as const);
    fc.assert(
      fc.property(
        fc.constantFrom(...parsed),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'text', 'attr', 'empty'), fc.oneof(fc.string(), fc.constantFrom('', '-1', '1e400', 'NaN', '2024-13-45', 'ø', 'E', '9', 'X'))), {
          minLength: 1,
          maxLength: 4,
        }),
        ([name, text], edits) => {
          const root = parseXml(text, name);
          for (const [n, op, value] of edits) mutate(root, n, op, value);
          onlyKithError(() => readAny(root, name), name);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('tree mutations on the large files (M9.6, M25.1, M9.12, PatientData)', () => {
    const parsed = big.map((f) => [f.split('/').pop() as string, refText(f)] as const);
    fc.assert(
      fc.property(fc.constantFrom(...parsed), fc.nat(), fc.constantFrom('drop', 'text', 'attr', 'empty'), fc.string(), ([name, text], n, op, value) => {
        const root = parseXml(text, name);
        mutate(root, n, op, value);
        onlyKithError(() => readAny(root, name), name);
      }),
      { numRuns: 150 },
    );
  });

  it('a wrong namespace on the root or the payload is refused with a message naming it', () => {
    const m1 = refText('patient-odden/5563ac3e-79fd-4128-a8c7-237b0336772d.xml');
    fc.assert(
      fc.property(fc.webUrl(), fc.boolean(), (ns, onRoot) => {
        const target = onRoot ? 'http://www.kith.no/xmlstds/msghead/2006-05-24' : 'http://www.kith.no/xmlstds/eresept/m1/2013-10-08';
        fc.pre(!ns.includes('/eresept/m1/') && ns !== target);
        const text = m1.split(`xmlns="${target}"`).join(`xmlns="${ns.replace(/[<&"]/g, '')}"`);
        expect(() => readKithMessage(text, 'M1.xml')).toThrow(/^M1\.xml: .* is in namespace/);
      }),
      { numRuns: 100 },
    );
  });

  it('latin1 bytes with an ISO-8859-1 declaration read the same as the UTF-8 original', () => {
    for (const f of [...small, 'patient-odden/PatientData.xml', sample('ERM251-')]) {
      const name = f.split('/').pop() as string;
      const text = refText(f).replace(/^\uFEFF/, '').replace(/^<\?xml[^>]*\?>/, '');
      if ([...text].some((c) => c.charCodeAt(0) > 255)) continue;
      const latin = toLatin1(`<?xml version="1.0" encoding="ISO-8859-1"?>${text}`);
      expect(readAny(latin, name)).toEqual(readAny(text, name));
    }
  });

  it('latin1 bytes without a declaration (read as UTF-8) are refused, not misread', () => {
    const f = 'patient-odden/PatientData.xml';
    const text = refText(f).replace(/^\uFEFF/, '').replace(/^<\?xml[^>]*\?>/, '');
    expect(() => readAny(toLatin1(text), 'PatientData.xml')).toThrow(/PatientData\.xml: the bytes are not valid utf-8 text/);
  });

  it('a folder with one random broken file is refused naming that file', () => {
    const folder = refXmlFiles('message-samples').map((f) => ({ name: f.split('/').pop() as string, content: refText(f) }));
    fc.assert(
      fc.property(fc.nat({ max: folder.length - 1 }), fc.nat(), (i, cut) => {
        const broken = folder.map((file, j) => (j === i ? { ...file, content: (file.content as string).slice(0, cut % (file.content as string).length) } : file));
        try {
          readKithFolder(broken);
          throw new Error('expected a refusal');
        } catch (e) {
          expect(e).toBeInstanceOf(KithFormatError);
          expect((e as Error).message.startsWith(`${folder[i]?.name}`)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/** Applies one edit to the n-th element (document order) of the tree. */
function mutate(root: XmlElement, n: number, op: string, value: string): void {
  const list: { el: XmlElement; parent?: XmlElement }[] = [];
  const walk = (el: XmlElement, parent?: XmlElement) => {
    list.push(parent ? { el, parent } : { el });
    for (const c of el.children) walk(c, el);
  };
  walk(root);
  const pick = list[n % list.length];
  if (!pick) return;
  const { el, parent } = pick;
  if (op === 'drop' && parent) parent.children.splice(parent.children.indexOf(el), 1);
  else if (op === 'text') el.text = value;
  else if (op === 'empty') {
    el.children = [];
    el.text = '';
  } else if (op === 'attr') {
    const keys = Object.keys(el.attrs);
    const key = keys[value.length % Math.max(keys.length, 1)] ?? 'V';
    el.attrs[key] = value;
  }
}
