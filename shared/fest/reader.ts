// Streaming reader for the FEST M30 file (fest251.xml, ~118 MB). saxes gives us SAX events;
// we keep only one small tree at a time (the Oppf* entry being read), turn it into a plain
// record when it closes and drop it, so memory is the collected records plus one entry.
// Names are matched on local names only: the real file switches default namespace inside each
// payload (m30 → forskrivning), and every FEST parser in the wild ignores namespaces too.
//
// Three ways in, one result (FestCatalogue) and one error type (FestFormatError):
//   createFestReader(opts) → { write(chunk: string), close() }  push text as it arrives
//   readFest(chunks: AsyncIterable<string | Uint8Array>, opts)  pull from a file or fetch stream
//   parseFest(xml: string, opts)                                a document already in memory
import { SaxesParser } from 'saxes';
import type {
  CatalogueInteraction,
  CataloguePackage,
  CatalogueSubstance,
  InteractionRelevance,
  PrescriptionGroup,
} from '../model';
import { FestFormatError, type FestCatalogue, type FestProduct } from './types';

export { FestFormatError } from './types';
export type { FestCatalogue, FestProduct } from './types';

export interface FestReaderOptions {
  /** Called after each chunk with the number of characters (string chunks) or bytes (Uint8Array) read so far. */
  onProgress?: (bytesOrChars: number) => void;
  /** A name for the input (file name), used in error messages. */
  source?: string;
  /** Time to put in meta.importedAt; defaults to now. */
  importedAt?: string;
}

export interface FestReader {
  /** Feed the next piece of the file. Throws FestFormatError as soon as the XML is bad. */
  write(chunk: string): void;
  /** End of input: resolves references and returns the catalogue, or throws FestFormatError. */
  close(): FestCatalogue;
}

/** Relevans (CS, no OID in the file): 1 Bør unngås · 2 Forholdsregler bør tas · 3 Ingen tiltak nødvendig. */
const RELEVANCE: Record<string, InteractionRelevance> = { '1': 'avoid', '2': 'precautions', '3': 'none' };
const PRESCRIPTION_GROUPS = new Set<PrescriptionGroup>(['A', 'B', 'C', 'CF', 'F', 'K']);
/** The catalogues we turn into records; other Kat* elements are read past without building trees. */
const HANDLED_CATALOGUES = new Set([
  'KatLegemiddelMerkevare',
  'KatLegemiddelpakning',
  'KatVirkestoff',
  'KatLegemiddelVirkestoff',
  'KatInteraksjon',
]);

/**
 * Parts of an entry the catalogue does not use. Their subtrees are read past without building
 * nodes, which matters at 100 MB: prices, marketing and administration details are most of a
 * package or brand entry.
 */
const SKIPPED_SUBTREES = new Set([
  'PrisVare',
  'AdministreringLegemiddel',
  'Preparatomtaleavsnitt',
  'Referanse',
  'Refusjon',
  'PakningByttegruppe',
  'Reseptgyldighet',
  'PakningsinfoResept',
  'Pakningskomponent',
  'Visningsregel',
  'Preparattype',
  'TypeSoknadSlv',
  'Oppbevaring',
  'Ean',
  'Kildegrunnlag',
  'SvartTrekant',
  'Opioidsoknad',
  'RefVilkar',
  'Smak',
  'Hjelpestoff',
  'DDD',
  'Statistikkfaktor',
  'Pakningstype',
]);

/** The only elements whose attributes (V, DN, U) the catalogue reads; others get none copied. */
const ATTRIBUTES_READ = new Set(['Status', 'Atc', 'Reseptgruppe', 'LegemiddelformKort', 'Relevans', 'Styrke', 'StyrkeNevner', 'EnhetPakning']);
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A tiny element tree for one entry. */
interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

const localName = (qname: string): string => {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
};
/**
 * A copy of `s` that does not share memory with the parser's input chunk. Substrings in V8 can
 * be slices that keep the whole 64 KB chunk alive; one kept id per chunk would keep the whole
 * file in memory. Concatenating and slicing makes a flat copy of just these characters.
 */
const own = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

const child = (n: Node | undefined, name: string): Node | undefined => n?.children.find((c) => c.name === name);
const childrenNamed = (n: Node | undefined, name: string): Node[] => (n ? n.children.filter((c) => c.name === name) : []);
const text = (n: Node | undefined, name: string): string | undefined => {
  const c = child(n, name);
  const t = c?.text.trim();
  return t ? own(t) : undefined;
};
const attr = (n: Node | undefined, name: string, a: string): string | undefined => {
  const v = child(n, name)?.attrs[a];
  return v === undefined ? undefined : own(v);
};

/** "2.5" → "2,5": FEST writes strengths with a decimal comma in NavnFormStyrke. */
const nbNumber = (v: string): string => v.replace('.', ',');

interface PendingProduct {
  product: FestProduct;
  strengthRefs: string[];
  substanceRefs: string[];
}
interface StrengthRecord {
  substanceId?: string;
  text: string;
}

export function createFestReader(opts: FestReaderOptions = {}): FestReader {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const source = opts.source;
  let read = 0;
  let failed: FestFormatError | undefined;

  const fail = (message: string): never => {
    const err = new FestFormatError(message, { line: parser.line, column: parser.column + 1, source });
    failed = err;
    throw err;
  };

  // Document state.
  let depth = 0;
  let rootSeen = false;
  let rootClosed = false;
  let extractedAt: string | undefined;
  let inHentetDato = false;
  let hentetText = '';
  let catalogue: string | undefined; // the Kat* element we are in
  // Entry state (the Oppf* being read): a stack of open nodes.
  let stack: Node[] = [];
  /** >0 while inside a subtree we read past: how many of its elements are open. */
  let skipDepth = 0;

  const products: PendingProduct[] = [];
  const packages: CataloguePackage[] = [];
  const substances = new Map<string, { id: string; name: string; saltIds: string[] }>();
  const strengths = new Map<string, StrengthRecord>();
  const interactions: CatalogueInteraction[] = [];
  const notAssessed: string[] = [];
  const skipped: Record<string, number> = {};
  const seenVarenr = new Set<string>();

  parser.on('error', (e) => {
    // saxes reports well-formedness errors here; its message already says what is wrong.
    const msg = e.message.replace(/^(?:[^:\d][^:]*:)?\d+:\d+: /, '');
    fail(`XML-feil: ${msg}`);
  });

  parser.on('opentag', (tag) => {
    depth++;
    const name = localName(tag.name);
    if (depth === 1) {
      if (name !== 'FEST') fail(`rotelementet er <${name}>, forventet <FEST> (M30)`);
      rootSeen = true;
      return;
    }
    if (depth === 2) {
      if (name === 'HentetDato') {
        inHentetDato = true;
        hentetText = '';
      } else if (name.startsWith('Kat')) {
        catalogue = name;
      }
      return;
    }
    if (catalogue === undefined || !HANDLED_CATALOGUES.has(catalogue)) return;
    if (depth === 3) {
      if (!name.startsWith('Oppf')) fail(`uventet <${name}> i <${catalogue}>, forventet en Oppf*-oppføring`);
      stack = [{ name, attrs: {}, children: [], text: '' }];
      return;
    }
    if (skipDepth > 0) {
      skipDepth++;
      return;
    }
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (SKIPPED_SUBTREES.has(name)) {
      skipDepth = 1;
      return;
    }
    let attrs = NO_ATTRS;
    if (ATTRIBUTES_READ.has(name)) {
      attrs = {};
      for (const k in tag.attributes) {
        const v = tag.attributes[k];
        if (typeof v === 'string') attrs[localName(k)] = v;
      }
    }
    const node: Node = { name, attrs, children: [], text: '' };
    parent.children.push(node);
    stack.push(node);
  });

  const onText = (t: string): void => {
    if (inHentetDato) {
      hentetText += t;
      return;
    }
    if (skipDepth > 0) return;
    const top = stack[stack.length - 1];
    if (top && depth >= 4) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    if (depth === 1) rootClosed = true;
    if (depth === 2) {
      if (inHentetDato) {
        inHentetDato = false;
        extractedAt = hentetText.trim();
        if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?/.test(extractedAt)) {
          fail(`HentetDato «${extractedAt}» er ikke en dato`);
        }
      }
      catalogue = undefined;
    } else if (depth === 3 && stack.length > 0) {
      const entry = stack[0];
      stack = [];
      if (entry) handleEntry(entry);
    } else if (skipDepth > 0) {
      skipDepth--;
    } else if (depth > 3 && stack.length > 1) {
      stack.pop();
    }
    depth--;
  });

  function handleEntry(entry: Node): void {
    const status = attr(entry, 'Status', 'V');
    if (status === undefined) fail(`<${entry.name}> mangler Status`);
    const payload = entry.children.find((c) => !['Id', 'Tidspunkt', 'Status'].includes(c.name));
    if (!payload) fail(`<${entry.name}> (${text(entry, 'Id') ?? 'uten Id'}) har ikke noe innhold`);
    const p = payload as Node;
    if (status !== 'A') {
      // Only A "Aktiv oppføring" is seen in full extracts; anything else (from incremental
      // deliveries) is not a current entry, so it must not turn up in search or checks.
      const key = `${p.name}: status ${status}`;
      skipped[key] = (skipped[key] ?? 0) + 1;
      return;
    }
    switch (p.name) {
      case 'LegemiddelMerkevare':
      case 'LegemiddelVirkestoff':
        products.push(readProduct(p));
        return;
      case 'Legemiddelpakning':
        readPackage(p);
        return;
      case 'Virkestoff': {
        const id = requireText(p, 'Id');
        substances.set(id, {
          id,
          name: requireText(p, 'Navn'),
          saltIds: childrenNamed(p, 'RefVirkestoff').map((c) => own(c.text.trim())),
        });
        return;
      }
      case 'VirkestoffMedStyrke': {
        const id = requireText(p, 'Id');
        const styrke = child(p, 'Styrke');
        const nevner = child(p, 'StyrkeNevner');
        let s = styrke?.attrs.V ? `${nbNumber(styrke.attrs.V)} ${styrke.attrs.U ?? ''}`.trim() : '';
        if (s && nevner?.attrs.V) {
          s += nevner.attrs.V === '1' ? `/${nevner.attrs.U ?? ''}` : `/${nbNumber(nevner.attrs.V)} ${nevner.attrs.U ?? ''}`;
        }
        strengths.set(id, { substanceId: text(p, 'RefVirkestoff'), text: own(s.trim()) });
        return;
      }
      case 'Interaksjon':
        interactions.push(readInteraction(p));
        return;
      case 'InteraksjonIkkeVurdert': {
        const atc = attr(p, 'Atc', 'V');
        if (atc) notAssessed.push(atc);
        return;
      }
      default: {
        const key = `${p.name}: ikke brukt`;
        skipped[key] = (skipped[key] ?? 0) + 1;
      }
    }
  }

  function requireText(n: Node, name: string): string {
    const t = text(n, name);
    if (t === undefined) fail(`<${n.name}> mangler <${name}>`);
    return t as string;
  }

  function prescriptionGroup(n: Node): PrescriptionGroup {
    const v = attr(n, 'Reseptgruppe', 'V');
    if (v === undefined) return fail(`<${n.name}> «${text(n, 'NavnFormStyrke') ?? ''}» mangler Reseptgruppe`);
    if (!PRESCRIPTION_GROUPS.has(v as PrescriptionGroup)) {
      return fail(`ukjent Reseptgruppe «${v}» på «${text(n, 'NavnFormStyrke') ?? ''}»`);
    }
    return v as PrescriptionGroup;
  }

  function readProduct(n: Node): PendingProduct {
    const nameFormStrength = requireText(n, 'NavnFormStyrke');
    const generic = n.name === 'LegemiddelVirkestoff';
    const product: FestProduct = {
      id: requireText(n, 'Id'),
      kind: generic ? 'generic' : 'brand',
      name: generic ? nameFormStrength : requireText(n, 'Varenavn'),
      nameFormStrength,
      atc: attr(n, 'Atc', 'V') ?? '',
      form: attr(n, 'LegemiddelformKort', 'DN') ?? text(n, 'LegemiddelformLang') ?? '',
      prescriptionGroup: prescriptionGroup(n),
      substanceIds: [],
      substances: [],
    };
    const manufacturer = text(child(n, 'ProduktInfo'), 'Produsent');
    if (manufacturer) product.manufacturer = manufacturer;
    if (generic) {
      const brands = childrenNamed(n, 'RefLegemiddelMerkevare').map((c) => own(c.text.trim()));
      if (brands.length) product.brandIds = brands;
    }
    const sorted = (name: string, ref: string): string[] =>
      childrenNamed(n, name)
        .map((c) => ({ order: Number(text(c, 'Sortering') ?? 0), ref: text(c, ref) }))
        .sort((a, b) => a.order - b.order)
        .map((x) => x.ref)
        .filter((x): x is string => !!x);
    return {
      product,
      strengthRefs: sorted('SortertVirkestoffMedStyrke', 'RefVirkestoffMedStyrke'),
      substanceRefs: sorted('SortertVirkestoffUtenStyrke', 'RefVirkestoff'),
    };
  }

  function readPackage(n: Node): void {
    const varenr = requireText(n, 'Varenr');
    if (!/^\d{6}$/.test(varenr)) fail(`Varenr «${varenr}» er ikke seks sifre`);
    if (seenVarenr.has(varenr)) fail(`Varenr ${varenr} finnes to ganger`);
    seenVarenr.add(varenr);
    // AvregDato: the package is deregistered from that date; one already gone is not offered.
    const avreg = text(child(n, 'Markedsforingsinfo'), 'AvregDato');
    if (avreg && extractedAt && avreg.slice(0, 10) <= extractedAt.slice(0, 10)) {
      skipped['Legemiddelpakning: avregistrert'] = (skipped['Legemiddelpakning: avregistrert'] ?? 0) + 1;
      return;
    }
    const info = child(n, 'Pakningsinfo');
    const productId = text(info, 'RefLegemiddelMerkevare');
    if (!productId) fail(`pakning ${varenr} mangler Pakningsinfo/RefLegemiddelMerkevare`);
    const size = Number((text(info, 'Mengde') ?? text(info, 'Pakningsstr') ?? '').replace(',', '.'));
    const pkg: CataloguePackage = {
      varenr,
      productId: productId as string,
      size: Number.isFinite(size) ? size : 0,
      unit: attr(info, 'EnhetPakning', 'DN') ?? attr(info, 'EnhetPakning', 'V') ?? '',
    };
    const name = text(n, 'NavnFormStyrke');
    if (name) pkg.name = name;
    packages.push(pkg);
  }

  function readInteraction(n: Node): CatalogueInteraction {
    const id = requireText(n, 'Id');
    const code = attr(n, 'Relevans', 'V');
    const relevance = code === undefined ? undefined : RELEVANCE[code];
    if (!relevance) {
      // An interaction we cannot grade must not be dropped or guessed: stop the import.
      fail(`interaksjon ${id} har ukjent Relevans «${code ?? '(mangler)'}»`);
    }
    const groups = childrenNamed(n, 'Substansgruppe').map((g) => {
      const atc: string[] = [];
      const names: string[] = [];
      for (const s of childrenNamed(g, 'Substans')) {
        const a = attr(s, 'Atc', 'V');
        if (a) atc.push(a);
        const nm = text(s, 'Substans');
        if (nm) names.push(nm);
      }
      return { atc, substances: names };
    });
    if (groups.length < 2) fail(`interaksjon ${id} har ${groups.length} substansgruppe(r), forventet minst 2`);
    const out: CatalogueInteraction = {
      id,
      substanceGroups: groups,
      relevance: relevance as InteractionRelevance,
      consequence: text(n, 'KliniskKonsekvens') ?? '',
    };
    const mechanism = text(n, 'Interaksjonsmekanisme');
    if (mechanism) out.mechanism = mechanism;
    const handling = text(n, 'Handtering');
    if (handling) out.handling = handling;
    const situation = childrenNamed(n, 'Situasjonskriterium')
      .map((c) => c.text.trim())
      .filter(Boolean)
      .join(' ');
    // (join builds a new string, so it holds no slice of the input)
    if (situation) out.situation = situation;
    return out;
  }

  function resolve(): FestCatalogue {
    const substanceName = (id: string): string | undefined => substances.get(id)?.name;
    const outProducts: FestProduct[] = [];
    const atcBySubstance = new Map<string, Set<string>>();
    for (const { product, strengthRefs, substanceRefs } of products) {
      const strengthTexts: string[] = [];
      for (const ref of strengthRefs) {
        const s = strengths.get(ref);
        if (!s) {
          skipped['uløst RefVirkestoffMedStyrke'] = (skipped['uløst RefVirkestoffMedStyrke'] ?? 0) + 1;
          continue;
        }
        if (s.text) strengthTexts.push(s.text);
        if (s.substanceId) product.substanceIds.push(s.substanceId);
      }
      for (const ref of substanceRefs) product.substanceIds.push(ref);
      product.substanceIds = [...new Set(product.substanceIds)];
      product.substances = product.substanceIds.map(substanceName).filter((x): x is string => !!x);
      if (strengthTexts.length) product.strength = strengthTexts.join('/');
      if (product.atc && product.substanceIds.length === 1) {
        const sid = product.substanceIds[0] as string;
        let set = atcBySubstance.get(sid);
        if (!set) atcBySubstance.set(sid, (set = new Set()));
        set.add(product.atc);
      }
      outProducts.push(product);
    }
    const outSubstances: CatalogueSubstance[] = [];
    for (const s of substances.values()) {
      const rec: CatalogueSubstance = { id: s.id, name: s.name };
      // FEST has no Virkestoff→ATC link; when every single-substance product agrees, use that code.
      const atcs = atcBySubstance.get(s.id);
      if (atcs && atcs.size === 1) rec.atc = [...atcs][0] as string;
      outSubstances.push(rec);
    }
    return {
      meta: {
        extractedAt: extractedAt as string,
        importedAt: opts.importedAt ?? new Date().toISOString(),
        counts: {
          products: outProducts.length,
          packages: packages.length,
          substances: outSubstances.length,
          interactions: interactions.length,
        },
      },
      products: outProducts,
      packages,
      substances: outSubstances,
      interactions,
      notAssessedAtc: notAssessed,
      skipped,
    };
  }

  /** Callers are promised FestFormatError and nothing else for any input. */
  function guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof FestFormatError) throw e;
      return fail(`uventet feil under lesing: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  return {
    write(chunk: string): void {
      if (failed) throw failed;
      if (read === 0 && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      read += chunk.length;
      guard(() => parser.write(chunk));
      opts.onProgress?.(read);
    },
    close(): FestCatalogue {
      if (failed) throw failed;
      return guard(() => {
        parser.close();
        if (!rootSeen) fail('filen er tom eller inneholder ikke noe XML-element');
        if (!rootClosed) fail('filen slutter før </FEST> (avkortet fil?)');
        if (!extractedAt) fail('HentetDato mangler');
        return resolve();
      });
    },
  };
}

/** Parse a whole FEST document held in memory (tests, small files). */
export function parseFest(xml: string, opts: FestReaderOptions = {}): FestCatalogue {
  const r = createFestReader(opts);
  r.write(xml);
  return r.close();
}

/**
 * Read FEST from a stream of text or UTF-8 bytes (a Node file stream, a browser
 * `ReadableStream` via `for await`), decoding bytes incrementally. onProgress gets bytes for
 * byte chunks and characters for string chunks.
 */
export async function readFest(
  chunks: AsyncIterable<string | Uint8Array>,
  opts: FestReaderOptions = {},
): Promise<FestCatalogue> {
  const { onProgress, ...rest } = opts;
  const reader = createFestReader(rest);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let count = 0;
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new FestFormatError(`filen er ikke gyldig UTF-8 (rundt byte ${count})`, { source: opts.source });
    }
  };
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      count += chunk.length;
      reader.write(chunk);
    } else {
      count += chunk.byteLength;
      reader.write(decode(chunk));
    }
    onProgress?.(count);
  }
  const tail = decode();
  if (tail) reader.write(tail);
  return reader.close();
}
