import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFestReader, parseFest, readFest, FestFormatError } from './reader';

const FS = 'http://www.kith.no/xmlstds/eresept/forskrivning/2014-12-01';
const oppf = (kind: string, payload: string, status = 'A'): string =>
  `<Oppf${kind}><Id>ID_W-${kind}-${Math.abs(hashCode(payload))}</Id><Tidspunkt>2024-01-01T03:00:00</Tidspunkt>` +
  `<Status V="${status}" DN="x"/>${payload}</Oppf${kind}>`;
function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** A small FEST document in the real M30 layout. */
function doc(opts: { status?: string; relevans?: string; extraProducts?: string } = {}): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<FEST xmlns="http://www.kith.no/xmlstds/eresept/m30/2014-12-01">
  <HentetDato>2025-06-02T03:10:14</HentetDato>
  <KatLegemiddelMerkevare>
    ${oppf('LegemiddelMerkevare', `<LegemiddelMerkevare xmlns="${FS}"><Atc V="B01AA03" S="2.16.578.1.12.4.1.1.7180" DN="Warfarin"/><NavnFormStyrke>Marevan tab 2,5 mg</NavnFormStyrke><Reseptgruppe V="C" DN="Reseptgruppe C"/><LegemiddelformKort V="53" S="2.16.578.1.12.4.1.1.7448" DN="Tablett"/><Id>ID_MAREVAN</Id><Varenavn>Marevan</Varenavn><SortertVirkestoffMedStyrke><Sortering>0</Sortering><RefVirkestoffMedStyrke>ID_VMS_W</RefVirkestoffMedStyrke></SortertVirkestoffMedStyrke><ProduktInfo><Produsent>Takeda</Produsent></ProduktInfo></LegemiddelMerkevare>`)}
    ${oppf('LegemiddelMerkevare', `<LegemiddelMerkevare xmlns="${FS}"><Atc V="M01AE01" S="2.16.578.1.12.4.1.1.7180" DN="Ibuprofen"/><NavnFormStyrke>Ibux tab 400 mg</NavnFormStyrke><Reseptgruppe V="C" DN="Reseptgruppe C"/><Id>ID_IBUX</Id><Varenavn>Ibux</Varenavn></LegemiddelMerkevare>`, opts.status ?? 'A')}
    ${opts.extraProducts ?? ''}
  </KatLegemiddelMerkevare>
  <KatLegemiddelpakning>
    ${oppf('Legemiddelpakning', `<Legemiddelpakning xmlns="${FS}"><NavnFormStyrke>Marevan tab 2,5 mg</NavnFormStyrke><Reseptgruppe V="C" DN="Reseptgruppe C"/><Id>ID_PK</Id><Varenr>481985</Varenr><Pakningsinfo><RefLegemiddelMerkevare>ID_MAREVAN</RefLegemiddelMerkevare><Pakningsstr>100</Pakningsstr><EnhetPakning V="stk" S="2.16.578.1.12.4.1.1.7452" DN="stykk"/><Mengde>100</Mengde></Pakningsinfo></Legemiddelpakning>`)}
  </KatLegemiddelpakning>
  <KatVirkestoff>
    ${oppf('Virkestoff', `<Virkestoff xmlns="${FS}"><Id>ID_W</Id><Navn>Warfarin</Navn><RefVirkestoff>ID_WNA</RefVirkestoff></Virkestoff>`)}
    ${oppf('Virkestoff', `<Virkestoff xmlns="${FS}"><Id>ID_WNA</Id><Navn>Warfarinnatrium</Navn></Virkestoff>`)}
    ${oppf('Virkestoff', `<VirkestoffMedStyrke xmlns="${FS}"><Id>ID_VMS_W</Id><Styrke V="2.5" U="mg"/><RefVirkestoff>ID_W</RefVirkestoff><Styrkeoperator V="L" DN="Lik"/></VirkestoffMedStyrke>`)}
  </KatVirkestoff>
  <KatByttegruppe>${oppf('Byttegruppe', '<Byttegruppe><Id>ID_BG</Id><Kode V="000731" DN="X"/><MerknadTilByttbarhet>false</MerknadTilByttbarhet></Byttegruppe>')}</KatByttegruppe>
  <KatInteraksjon>
    ${oppf('Interaksjon', `<Interaksjon><Id>ID_I1</Id><Relevans V="${opts.relevans ?? '1'}" DN="Bør unngås"/><Situasjonskriterium>Gjelder ved regelmessig bruk.</Situasjonskriterium><KliniskKonsekvens>Økt blødningsrisiko &amp; mer.</KliniskKonsekvens><Kildegrunnlag V="2" DN="Kasusrapporter"/><Handtering>Linje 1&#10;Linje 2</Handtering><Substansgruppe><Navn>Warfarin</Navn><Substans><Substans>Warfarin</Substans><Atc V="B01AA03" S="2.16.578.1.12.4.1.1.7180" DN="Warfarin"/></Substans></Substansgruppe><Substansgruppe><Navn>NSAID</Navn><Substans><Substans>Ibuprofen</Substans><Atc V="M01AE01" S="2.16.578.1.12.4.1.1.7180" DN="Ibuprofen"/></Substans></Substansgruppe></Interaksjon>`)}
    ${oppf('Interaksjon', '<InteraksjonIkkeVurdert><Atc V="N07AB02" S="2.16.578.1.12.4.1.1.7180" DN="Betanekol"/></InteraksjonIkkeVurdert>')}
  </KatInteraksjon>
</FEST>`;
}

const OPTS = { importedAt: '2026-01-01T00:00:00Z' };

describe('createFestReader', () => {
  it('turns the M30 catalogues into records and resolves strengths and substances', () => {
    const c = parseFest(doc(), OPTS);
    expect(c.meta.extractedAt).toBe('2025-06-02T03:10:14');
    expect(c.meta.counts).toEqual({ products: 2, packages: 1, substances: 2, interactions: 1 });
    const marevan = c.products.find((p) => p.id === 'ID_MAREVAN');
    expect(marevan).toMatchObject({
      name: 'Marevan',
      nameFormStrength: 'Marevan tab 2,5 mg',
      atc: 'B01AA03',
      form: 'Tablett',
      strength: '2,5 mg',
      prescriptionGroup: 'C',
      substanceIds: ['ID_W'],
      substances: ['Warfarin'],
      manufacturer: 'Takeda',
      kind: 'brand',
    });
    expect(c.packages).toEqual([{ varenr: '481985', productId: 'ID_MAREVAN', size: 100, unit: 'stykk', name: 'Marevan tab 2,5 mg' }]);
    expect(c.substances.find((s) => s.id === 'ID_W')).toEqual({ id: 'ID_W', name: 'Warfarin', atc: 'B01AA03' });
    const i = c.interactions[0];
    expect(i?.relevance).toBe('avoid');
    expect(i?.consequence).toBe('Økt blødningsrisiko & mer.');
    expect(i?.handling).toBe('Linje 1\nLinje 2');
    expect(i?.situation).toBe('Gjelder ved regelmessig bruk.');
    expect(i?.substanceGroups).toEqual([
      { atc: ['B01AA03'], substances: ['Warfarin'] },
      { atc: ['M01AE01'], substances: ['Ibuprofen'] },
    ]);
    expect(c.notAssessedAtc).toEqual(['N07AB02']);
  });

  it('maps Relevans 1/2/3 to avoid/precautions/none and refuses an unknown code', () => {
    expect(parseFest(doc({ relevans: '2' }), OPTS).interactions[0]?.relevance).toBe('precautions');
    expect(parseFest(doc({ relevans: '3' }), OPTS).interactions[0]?.relevance).toBe('none');
    expect(() => parseFest(doc({ relevans: '9' }), OPTS)).toThrow(/ukjent Relevans «9»/);
  });

  it('leaves out entries whose status is not A and counts them', () => {
    const c = parseFest(doc({ status: 'X' }), OPTS);
    expect(c.products.map((p) => p.id)).toEqual(['ID_MAREVAN']);
    expect(c.skipped).toEqual({ 'LegemiddelMerkevare: status X': 1 });
  });

  it('gives the same catalogue however the text is split into chunks', () => {
    const xml = doc();
    const whole = parseFest(xml, OPTS);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: xml.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const r = createFestReader(OPTS);
        let prev = 0;
        for (const p of [...points, xml.length]) {
          r.write(xml.slice(prev, p));
          prev = p;
        }
        expect(r.close()).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('decodes UTF-8 byte chunks split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode(doc());
    const ø = bytes.indexOf(0xc3); // first byte of "ø" in "Bør unngås" / "Økt"
    async function* chunks() {
      yield bytes.slice(0, ø + 1);
      yield bytes.slice(ø + 1);
    }
    const progress: number[] = [];
    const c = await readFest(chunks(), { ...OPTS, onProgress: (n) => progress.push(n) });
    expect(c.interactions[0]?.consequence).toBe('Økt blødningsrisiko & mer.');
    expect(progress).toEqual([ø + 1, bytes.length]);
  });

  it('throws FestFormatError, with line and column, for any truncation of a valid file', () => {
    const xml = doc();
    const end = xml.lastIndexOf('</FEST>');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end }), (cut) => {
        const r = createFestReader(OPTS);
        try {
          r.write(xml.slice(0, cut));
          r.close();
        } catch (e) {
          expect(e).toBeInstanceOf(FestFormatError);
          expect((e as FestFormatError).message).toMatch(/^Ugyldig FEST-fil: /);
          return;
        }
        throw new Error(`truncation at ${cut} was accepted`);
      }),
      { numRuns: 200 },
    );
  });

  it('throws only FestFormatError for garbage and for mutated files', () => {
    const xml = doc();
    const onlyFestErrors = (input: string): void => {
      try {
        parseFest(input, OPTS);
      } catch (e) {
        if (!(e instanceof FestFormatError)) throw e;
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyFestErrors), { numRuns: 300 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: xml.length - 1 }), fc.string({ minLength: 1, maxLength: 3 }), (at, s) =>
        onlyFestErrors(xml.slice(0, at) + s + xml.slice(at + 1)),
      ),
      { numRuns: 300 },
    );
  });

  it('says where and what is wrong', () => {
    expect(() => parseFest('')).toThrow(FestFormatError);
    expect(() => parseFest('<html><body/></html>')).toThrow(/rotelementet er <html>, forventet <FEST>/);
    const bad = '<FEST>\n  <HentetDato>2025-01-01</HentetDato>\n  <KatLegemiddelMerkevare>\n  </Oops>';
    try {
      parseFest(bad, { source: 'fest251.xml' });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(FestFormatError);
      expect((e as FestFormatError).line).toBe(4);
      expect((e as FestFormatError).message).toMatch(/fest251\.xml, linje 4/);
    }
    expect(() => parseFest('<FEST><KatVirkestoff/></FEST>')).toThrow(/HentetDato mangler/);
  });

  it('leaves out packages deregistered (AvregDato) on or before HentetDato, keeps those deregistered later', () => {
    const pk = (v: string, avreg: string) =>
      oppf('Legemiddelpakning', `<Legemiddelpakning><NavnFormStyrke>X</NavnFormStyrke><Reseptgruppe V="C" DN="C"/><Id>ID_${v}</Id><Varenr>${v}</Varenr><Pakningsinfo><RefLegemiddelMerkevare>ID_X</RefLegemiddelMerkevare><Mengde>1</Mengde></Pakningsinfo><PrisVare><Type V="3" DN="AIP"/><Pris V="1" U="NOK"/></PrisVare><Markedsforingsinfo><AvregDato>${avreg}</AvregDato></Markedsforingsinfo></Legemiddelpakning>`);
    const c = parseFest(`<FEST><HentetDato>2025-06-02T03:10:14</HentetDato><KatLegemiddelpakning>${pk('111111', '2025-06-02')}${pk('222222', '2025-01-01')}${pk('333333', '2025-07-01')}</KatLegemiddelpakning></FEST>`);
    expect(c.packages.map((p) => p.varenr)).toEqual(['333333']);
    expect(c.skipped).toEqual({ 'Legemiddelpakning: avregistrert': 2 });
  });

  it('refuses a package without a six-digit varenr or a repeated varenr', () => {
    const pk = (v: string) =>
      oppf('Legemiddelpakning', `<Legemiddelpakning><NavnFormStyrke>X</NavnFormStyrke><Reseptgruppe V="C" DN="C"/><Id>ID_${v}</Id><Varenr>${v}</Varenr><Pakningsinfo><RefLegemiddelMerkevare>ID_X</RefLegemiddelMerkevare><Mengde>1</Mengde></Pakningsinfo></Legemiddelpakning>`);
    const withPk = (...p: string[]) => `<FEST><HentetDato>2025-01-01</HentetDato><KatLegemiddelpakning>${p.join('')}</KatLegemiddelpakning></FEST>`;
    expect(() => parseFest(withPk(pk('12AB56')))).toThrow(/Varenr «12AB56»/);
    expect(() => parseFest(withPk(pk('123456'), pk('123456')))).toThrow(/Varenr 123456 finnes to ganger/);
    expect(parseFest(withPk(pk('012345'))).packages[0]?.varenr).toBe('012345');
  });
});
