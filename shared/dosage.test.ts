import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatAmount,
  formatQuantity,
  parseAmount,
  parseShortCode,
  formatShortCode,
  formatDosage,
  dosesByTimeOfDay,
  sameDosage,
  describeDosageDifference,
  normalizeUnit,
  timeOfDayForClock,
} from './dosage';
import type { Dosage, DoseAtTime } from './model';

// ------------------------------------------------------------------ reference data
// Real M1 prescriptions (also base64 inside M9.12/M25.1 samples) and the SFM getMedication
// example. Vite's glob gives {} when ../shared/reference is absent; the tests are then skipped.
const refXml = import.meta.glob('../../shared/reference/sfm-tools/**/*.xml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const refJson = import.meta.glob('../../shared/reference/sfm-tools/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const haveReference = Object.keys(refXml).length > 0 && Object.keys(refJson).length > 0;

type RefDosage = { source: string; shortCode?: string; text: string; doses: DoseAtTime[] };

function decodeBase64Utf8(b64: string): string {
  const bin = atob(b64.replace(/\s+/g, ''));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function m1Dosages(xml: string, source: string, out: RefDosage[]): void {
  for (const m of xml.matchAll(/<(?:\w+:)?Forskrivning\b[\s\S]*?<\/(?:\w+:)?Forskrivning>/g)) {
    const f = m[0];
    const shortCode = /<(?:\w+:)?Kortdose\b[^>]*\bDN="([^"]*)"/.exec(f)?.[1];
    const text = /<(?:\w+:)?DosVeiledEnkel>([^<]*)</.exec(f)?.[1] ?? '';
    const doses: DoseAtTime[] = [];
    for (const d of f.matchAll(/<(?:\w+:)?DoseFastTidspunkt>([\s\S]*?)<\/(?:\w+:)?DoseFastTidspunkt>/g)) {
      const body = d[1] ?? '';
      const mengde = /<(?:\w+:)?Mengde\b([^>]*)/.exec(body)?.[1] ?? '';
      const range = /<(?:\w+:)?Tidsomrade\b([^>]*)/.exec(body)?.[1] ?? '';
      const code = /\bV="([^"]*)"/.exec(range)?.[1];
      const timeOfDay = ({ '1': 'morning', '2': 'midday', '3': 'midday', '4': 'midday', '5': 'evening' } as const)[
        code as '1'
      ];
      if (!code || !timeOfDay) throw new Error(`unknown Tidsomrade ${range} in ${source}`);
      doses.push({
        time: timeOfDay,
        timeRange: code,
        amount: Number(/\bV="([^"]*)"/.exec(mengde)?.[1]),
        unit: /\bU="([^"]*)"/.exec(mengde)?.[1] ?? '',
      });
    }
    out.push({ source, ...(shortCode ? { shortCode } : {}), text, doses });
  }
  for (const b of xml.matchAll(/>([A-Za-z0-9+/=\r\n]{200,})</g)) {
    const decoded = decodeBase64Utf8(b[1]!);
    if (decoded.includes('<')) m1Dosages(decoded, `${source} (base64)`, out);
  }
}

function exDosages(raw: string, source: string, out: RefDosage[]): void {
  const json: unknown = JSON.parse(raw.replace(/,(\s*[}\]])/g, '$1'));
  const walk = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    if (r.resourceType === 'MedicationStatement' && Array.isArray(r.dosage)) {
      const d = r.dosage[0] as Record<string, unknown> & { extension?: { url: string; valueCodeableConcept?: { coding?: { display?: string }[] } }[] };
      const shortCode = d.extension?.find((e) => e.url.endsWith('sfm-shortdosage'))?.valueCodeableConcept?.coding?.[0]?.display;
      const doses: DoseAtTime[] = [];
      const collect = (x: unknown): void => {
        if (!x || typeof x !== 'object') return;
        const e = x as { url?: string; extension?: { url: string; valueQuantity?: { value: number; unit: string }; valueCodeableConcept?: { coding: { code: string }[] } }[] };
        if (e.url === 'repeatingdosage' && e.extension) {
          const amount = e.extension.find((s) => s.url === 'amount')?.valueQuantity;
          const code = e.extension.find((s) => s.url === 'timerange')?.valueCodeableConcept?.coding[0]?.code ?? '';
          const tod = ({ '1': 'morning', '2': 'midday', '3': 'midday', '4': 'midday', '5': 'evening' } as const)[code as '1'];
          if (amount && tod) doses.push({ time: tod, timeRange: code, amount: amount.value, unit: amount.unit });
        }
        for (const v of Object.values(x)) collect(v);
      };
      collect(r);
      out.push({ source, ...(shortCode ? { shortCode } : {}), text: String(d.text ?? ''), doses });
      return;
    }
    for (const v of Object.values(r)) walk(v);
  };
  walk(json);
}

function referenceDosages(): RefDosage[] {
  const out: RefDosage[] = [];
  for (const [file, raw] of Object.entries(refXml)) m1Dosages(raw, file, out);
  for (const [file, raw] of Object.entries(refJson)) exDosages(raw, file, out);
  return out;
}

/** FM's generated texts differ from ours only in joining ("\n", ",", " og ") and a final "daglig". */
const looseWords = (s: string) =>
  s.toLowerCase().replace(/\bdaglig\b/g, ' ').replace(/,|\bog\b|\n/g, ' ').replace(/\s+/g, ' ').trim();

describe('Kortdose against real prescriptions', () => {
  it.skipIf(!haveReference)('every time-of-day Kortdose gives the same doses as the M1/SFM structured dosing', () => {
    const all = referenceDosages();
    const withPlus = all.filter((d) => d.shortCode?.includes('+') && d.doses.length > 0);
    const codes = new Set(withPlus.map((d) => d.shortCode));
    // 0+0+0+2, 1+0+0+0, 3+0+0+3, 1+1+1+1, 1+1+1, 2+2+2, 5+0+0+0, 3+0+0+0
    expect(codes.size).toBeGreaterThanOrEqual(6);
    for (const ref of withPlus) {
      const unit = ref.doses[0]!.unit;
      const r = parseShortCode(ref.shortCode!, unit);
      if (!r.ok) throw new Error(`${ref.shortCode} in ${ref.source}: ${r.message}`);
      const key = (d: DoseAtTime) => `${d.timeRange}:${d.amount}:${d.unit}`;
      expect(r.doses.map(key).sort(), `${ref.shortCode} in ${ref.source}`).toEqual(ref.doses.map(key).sort());
      expect(formatShortCode(ref.doses, r.parts), ref.source).toBe(ref.shortCode);
      expect(sameDosage({ text: 'kortdose', shortCode: ref.shortCode }, { text: ref.text, doses: ref.doses })).toBe(true);
    }
  });

  it.skipIf(!haveReference)('formats the structured doses as the words FM wrote in DosVeiledEnkel', () => {
    const withPlus = referenceDosages().filter((d) => d.shortCode?.includes('+') && d.doses.length > 0);
    expect(withPlus.length).toBeGreaterThan(5);
    for (const ref of withPlus) {
      expect(looseWords(formatDosage({ text: ref.text, doses: ref.doses })), ref.source).toBe(looseWords(ref.text));
    }
  });

  it.skipIf(!haveReference)('refuses, with a reason, the Kortdose codes that do not name times of day', () => {
    const others = referenceDosages().filter((d) => d.shortCode && !d.shortCode.includes('+'));
    // 1x1x5, 0,5x3, 1x3, 1 daglig, "Følg vedlagte bruksanvisning", "3 tas 1/2-1 time før sengetid"
    expect(others.length).toBeGreaterThan(3);
    for (const ref of others) {
      const r = parseShortCode(ref.shortCode!, 'tablett');
      expect(r, ref.shortCode).toMatchObject({ ok: false, reason: 'not-time-of-day' });
    }
  });
});

// ------------------------------------------------------------------ numbers

describe('formatAmount and formatQuantity', () => {
  it('writes Norwegian numbers without trailing zeros', () => {
    expect(formatAmount(0.5)).toBe('0,5');
    expect(formatAmount(2)).toBe('2');
    expect(formatAmount(1.25)).toBe('1,25');
    expect(formatAmount(2.5)).toBe('2,5');
    expect(formatAmount(0.125)).toBe('0,125');
    expect(formatAmount(9999)).toBe('9999');
    expect(formatAmount(10000)).toBe('10\u00a0000');
    expect(formatAmount(1234567.5)).toBe('1\u00a0234\u00a0567,5');
  });

  it('never rounds a small non-zero dose to "0"', () => {
    expect(formatAmount(0.00005)).not.toBe('0');
    expect(formatAmount(0.00001)).toBe('0,00001');
  });

  it('refuses NaN and infinities instead of printing them', () => {
    expect(() => formatAmount(Number.NaN)).toThrow(RangeError);
    expect(() => formatAmount(Infinity)).toThrow(RangeError);
  });

  it('puts a space before the unit and inflects count words', () => {
    expect(formatQuantity(0.5, 'tablett')).toBe('0,5 tablett');
    expect(formatQuantity(1, 'tablett')).toBe('1 tablett');
    expect(formatQuantity(2, 'tablett')).toBe('2 tabletter');
    expect(formatQuantity(1.5, 'tablett')).toBe('1,5 tabletter');
    expect(formatQuantity(2, 'kapsel')).toBe('2 kapsler');
    expect(formatQuantity(1, 'tabletter')).toBe('1 tablett');
    expect(formatQuantity(3, 'dråpe')).toBe('3 dråper');
    expect(formatQuantity(2, 'depottablett')).toBe('2 depottabletter');
    expect(formatQuantity(10, 'mg')).toBe('10 mg');
    expect(formatQuantity(2.5, 'ml')).toBe('2,5 ml');
    expect(formatQuantity(2, 'IE')).toBe('2 IE');
    expect(formatQuantity(2, 'Tablett')).toBe('2 Tabletter');
    expect(formatQuantity(2, '')).toBe('2');
  });

  it('compares units without case or plural', () => {
    expect(normalizeUnit('Tabletter')).toBe('tablett');
    expect(normalizeUnit('depotkapsler')).toBe('depotkapsel');
    expect(normalizeUnit(' mg ')).toBe('mg');
  });
});

describe('parseAmount', () => {
  const ok = (t: string) => {
    const r = parseAmount(t);
    if (!r.ok) throw new Error(`${t}: ${r.message}`);
    return r.value;
  };
  const fail = (t: string) => {
    const r = parseAmount(t);
    if (r.ok) throw new Error(`${t} should be refused, got ${r.value}`);
    return r.message;
  };

  it('accepts comma decimals, fractions and grouped thousands', () => {
    expect(ok('0,5')).toBe(0.5);
    expect(ok('2')).toBe(2);
    expect(ok(' 1,25 ')).toBe(1.25);
    expect(ok('1/2')).toBe(0.5);
    expect(ok('3 / 4')).toBe(0.75);
    expect(ok('½')).toBe(0.5);
    expect(ok('1½')).toBe(1.5);
    expect(ok('1 ½')).toBe(1.5);
    expect(ok('1 1/2')).toBe(1.5);
    expect(ok('¼')).toBe(0.25);
    expect(ok('0,125')).toBe(0.125);
    expect(ok('10 000')).toBe(10000);
    expect(ok('10\u00a0000')).toBe(10000);
    expect(ok('1 000 000')).toBe(1_000_000);
  });

  it('refuses every decimal point, explaining that "1.000" is ambiguous', () => {
    expect(fail('1.000')).toContain('Bruk komma som desimaltegn');
    expect(fail('1.000')).toContain('både som 1 og 1000');
    expect(fail('1.5')).toContain('komma');
    expect(fail('0.5')).toContain('komma');
  });

  it('refuses "1,000"-style input that may be an English thousands separator', () => {
    expect(fail('1,000')).toContain('tusen');
    expect(fail('2,500')).toContain('tusen');
    expect(ok('0,250')).toBe(0.25); // no whole part: cannot be thousands
    expect(ok('1,125')).toBe(1.125); // no trailing zero: written as a decimal
  });

  it('refuses negative, zero, too large, too precise and non-numbers with reasons', () => {
    expect(fail('-1')).toBe('Mengden kan ikke være negativ.');
    expect(fail('−0,5')).toBe('Mengden kan ikke være negativ.');
    expect(fail('0')).toBe('Mengden må være større enn 0.');
    expect(fail('0,0')).toBe('Mengden må være større enn 0.');
    expect(fail('1000001')).toContain('for stor');
    expect(fail('99999999999999999999')).toContain('for stor');
    expect(fail('0,12345')).toContain('høyst 4 desimaler');
    expect(fail('abc')).toContain('«abc» er ikke et tall');
    expect(fail('NaN')).toContain('ikke et tall');
    expect(fail('Infinity')).toContain('ikke et tall');
    expect(fail('1e3')).toContain('ikke et tall');
    expect(fail('')).toContain('Skriv inn en mengde');
    expect(fail('1/0')).toContain('deler på null');
    expect(fail('1/3')).toContain('eksakt');
    expect(fail('5,')).toContain('ikke et tall');
    expect(fail('+2')).toContain('ikke et tall');
  });

  it('accepts zero only when asked (inside a Kortdose)', () => {
    expect(parseAmount('0', { allowZero: true })).toEqual({ ok: true, value: 0 });
  });
});

// values with up to 4 decimals, 0 < v ≤ 1 000 000
const amountArb = fc.integer({ min: 1, max: 10_000_000_000 }).map((k) => k / 10_000);
const quarterArb = fc.integer({ min: 1, max: 4_000_000 }).map((k) => k / 4);

describe('amounts: properties', () => {
  it('parseAmount(formatAmount(v)) gives v back for every value with up to 4 decimals', () => {
    fc.assert(
      fc.property(fc.oneof(amountArb, quarterArb), (v) => {
        expect(parseAmount(formatAmount(v))).toEqual({ ok: true, value: v });
      }),
      { numRuns: 5000 },
    );
  });

  it('formatAmount(parseAmount(s)) gives the written form back for formatted strings', () => {
    fc.assert(
      fc.property(amountArb, (v) => {
        const s = formatAmount(v);
        const r = parseAmount(s);
        expect(r.ok && formatAmount(r.value)).toBe(s);
      }),
    );
  });

  it('never throws; what it accepts is a finite, positive amount of at most 4 decimals; never a "."', () => {
    const pieces = fc.constantFrom('0', '1', '2', '5', '9', ',', '.', ' ', '/', '½', '-', 'e', '+', '\u00a0', 'a');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.array(pieces, { maxLength: 12 }).map((a) => a.join(''))), (s) => {
        const r = parseAmount(s);
        if (r.ok) {
          expect(Number.isFinite(r.value)).toBe(true);
          expect(r.value).toBeGreaterThan(0);
          expect(r.value).toBeLessThanOrEqual(1_000_000);
          expect(Math.round(r.value * 10_000) / 10_000).toBe(r.value);
          expect(s).not.toContain('.');
        } else {
          expect(r.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

// ------------------------------------------------------------------ Kortdose

describe('parseShortCode and formatShortCode', () => {
  it('reads four parts as morgen, formiddag, ettermiddag, kveld', () => {
    const r = parseShortCode('1+0+0+1', 'tablett');
    expect(r).toEqual({
      ok: true,
      parts: 4,
      doses: [
        { time: 'morning', timeRange: '1', amount: 1, unit: 'tablett' },
        { time: 'evening', timeRange: '5', amount: 1, unit: 'tablett' },
      ],
    });
    const all = parseShortCode('1+2+3+4', 'tablett');
    expect(all.ok && all.doses.map((d) => `${d.timeRange}=${d.amount}`)).toEqual(['1=1', '2=2', '4=3', '5=4']);
  });

  it('reads 0+0+0+2 as two tablets in the evening (as the Simvastatin M1 says)', () => {
    const r = parseShortCode('0+0+0+2', 'tablett');
    expect(r.ok && formatDosage({ text: '', doses: r.doses })).toBe('2 tabletter kveld');
  });

  it('reads three parts as morgen, midt på dagen, kveld', () => {
    const r = parseShortCode('1+1+1', 'dråpe');
    expect(r.ok && r.doses.map((d) => d.timeRange)).toEqual(['1', '3', '5']);
    expect(r.ok && formatDosage({ text: '', doses: r.doses })).toBe('1 dråpe morgen, 1 dråpe midt på dagen og 1 dråpe kveld');
  });

  it('accepts fractions and comma decimals in parts, with spaces', () => {
    const r = parseShortCode(' ½ + 0 + 0 + 1,5 ', 'tablett');
    expect(r.ok && r.doses.map((d) => d.amount)).toEqual([0.5, 1.5]);
    expect(r.ok && formatShortCode(r.doses, r.parts)).toBe('0,5+0+0+1,5');
  });

  it('refuses with reasons', () => {
    expect(parseShortCode('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(parseShortCode('1x3')).toMatchObject({ ok: false, reason: 'not-time-of-day' });
    expect(parseShortCode('1+1')).toMatchObject({ ok: false, reason: 'parts' });
    expect(parseShortCode('1+1+1+1+1')).toMatchObject({ ok: false, reason: 'parts' });
    expect(parseShortCode('0+0+0+0')).toMatchObject({ ok: false, reason: 'all-zero' });
    const r = parseShortCode('1+0.5+0+0');
    expect(r).toMatchObject({ ok: false, reason: 'amount' });
    if (!r.ok) expect(r.message).toMatch(/^Ledd 2 i kortdosen: Bruk komma/);
    expect(parseShortCode('1+-1+0')).toMatchObject({ ok: false, reason: 'amount' });
    const dash = parseShortCode('1-0-0-1');
    expect(dash).toMatchObject({ ok: false, reason: 'separator' });
    if (!dash.ok) expect(dash.message).toContain('«1+0+0+1»');
    expect(parseShortCode('3 tas 1/2-1 time før sengetid')).toMatchObject({ ok: false, reason: 'not-time-of-day' });
  });

  it('cannot write night, clock times, mixed grids, repeated times or mixed units', () => {
    const u = 'tablett';
    expect(formatShortCode([])).toBeNull();
    expect(formatShortCode([{ time: 'night', amount: 1, unit: u }])).toBeNull();
    expect(formatShortCode([{ time: '08:00', amount: 1, unit: u }])).toBeNull();
    expect(
      formatShortCode([
        { time: 'midday', timeRange: '2', amount: 1, unit: u },
        { time: 'midday', timeRange: '3', amount: 1, unit: u },
      ]),
    ).toBeNull();
    expect(
      formatShortCode([
        { time: 'morning', amount: 1, unit: u },
        { time: 'morning', amount: 1, unit: u },
      ]),
    ).toBeNull();
    expect(
      formatShortCode([
        { time: 'morning', amount: 1, unit: 'tablett' },
        { time: 'evening', amount: 5, unit: 'ml' },
      ]),
    ).toBeNull();
  });

  it('chooses the grid from the doses when not told', () => {
    expect(formatShortCode([{ time: 'morning', amount: 1, unit: '' }])).toBe('1+0+0+0');
    expect(formatShortCode([{ time: 'midday', amount: 1, unit: '' }])).toBe('0+1+0');
    expect(formatShortCode([{ time: 'midday', timeRange: '4', amount: 2, unit: '' }])).toBe('0+0+2+0');
    expect(formatShortCode([{ time: 'morning', amount: 1, unit: '' }], 3)).toBe('1+0+0');
  });
});

const partArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }).map((k) => k / 4) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((k) => k / 10_000) },
);
const codeArb = fc
  .oneof(fc.array(partArb, { minLength: 3, maxLength: 3 }), fc.array(partArb, { minLength: 4, maxLength: 4 }))
  .filter((a) => a.some((x) => x > 0))
  .map((a) => a.map((x) => formatAmount(x)).join('+'));

describe('Kortdose: properties', () => {
  it('formatShortCode(parseShortCode(code)) gives the code back', () => {
    fc.assert(
      fc.property(codeArb, fc.constantFrom('tablett', 'ml', ''), (code, unit) => {
        const r = parseShortCode(code, unit);
        if (!r.ok) throw new Error(`${code}: ${r.message}`);
        expect(formatShortCode(r.doses, r.parts)).toBe(code);
        // Without the grid hint the code may change form, never meaning.
        const auto = formatShortCode(r.doses);
        const again = parseShortCode(auto ?? '', unit);
        expect(again.ok && sameDosage({ text: '', doses: again.doses }, { text: '', doses: r.doses })).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text', () => {
    const pieces = fc.constantFrom('0', '1', '2', ',', '.', '+', ' ', '½', '/', 'x', '-');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 24 }), fc.array(pieces, { maxLength: 16 }).map((a) => a.join(''))), (s) => {
        const r = parseShortCode(s, 'tablett');
        if (r.ok) {
          expect(r.doses.length).toBeGreaterThan(0);
          expect(r.doses.every((d) => d.amount > 0)).toBe(true);
        } else {
          expect(r.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ------------------------------------------------------------------ dosage text and rounds

const tab = (time: DoseAtTime['time'], amount: number, timeRange?: string): DoseAtTime => ({
  time,
  amount,
  unit: 'tablett',
  ...(timeRange ? { timeRange } : {}),
});

describe('formatDosage', () => {
  it('writes structured doses through the day', () => {
    expect(formatDosage({ text: 'x', doses: [tab('evening', 2), tab('morning', 1)] })).toBe('1 tablett morgen og 2 tabletter kveld');
    expect(formatDosage({ text: 'x', doses: [tab('08:00', 1), tab('20:00', 0.5)] })).toBe('1 tablett kl. 08:00 og 0,5 tablett kl. 20:00');
    expect(formatDosage({ text: 'x', doses: [tab('01:00', 1), tab('evening', 1)] })).toBe('1 tablett kveld og 1 tablett kl. 01:00');
  });

  it('adds interval, maximum per day and "Ved behov"', () => {
    expect(formatDosage({ text: 'x', doses: [tab('morning', 1)], intervalDays: 7 })).toBe('1 tablett morgen hver uke');
    expect(formatDosage({ text: 'x', doses: [tab('morning', 1)], intervalDays: 3 })).toBe('1 tablett morgen hver 3. dag');
    expect(formatDosage({ text: '1 tablett ved smerter', maxPerDay: 4 }, { use: '3' })).toBe(
      'Ved behov: 1 tablett ved smerter, høyst 4 per døgn',
    );
    expect(formatDosage({ text: 'x', doses: [tab('morning', 1)], maxPerDay: 3 }, { use: '3' })).toBe(
      'Ved behov: 1 tablett morgen, høyst 3 tabletter per døgn',
    );
    expect(formatDosage({ text: 'Ved behov 1 tablett' }, { use: '3' })).toBe('Ved behov 1 tablett');
  });

  it('falls back to the text as written, and says when there is nothing', () => {
    expect(formatDosage({ text: '  1 tablett 3 ganger daglig ' })).toBe('1 tablett 3 ganger daglig');
    expect(formatDosage({ text: '' })).toBe('Dosering mangler');
  });
});

describe('dosesByTimeOfDay', () => {
  it('lays out fixed doses by round, keeping formiddag and ettermiddag apart by label', () => {
    const r = parseShortCode('1+1+1+1', 'tablett');
    if (!r.ok) throw new Error(r.message);
    const byRound = dosesByTimeOfDay({ text: '', doses: r.doses });
    expect(byRound.morning.map((d) => `${d.label} ${d.text}`)).toEqual(['morgen 1 tablett']);
    expect(byRound.midday.map((d) => d.label)).toEqual(['formiddag', 'ettermiddag']);
    expect(byRound.evening.map((d) => d.label)).toEqual(['kveld']);
    expect(byRound.night).toEqual([]);
  });

  it('places clock times by round', () => {
    expect(timeOfDayForClock('07:30')).toBe('morning');
    expect(timeOfDayForClock('12:00')).toBe('midday');
    expect(timeOfDayForClock('18:00')).toBe('evening');
    expect(timeOfDayForClock('22:30')).toBe('night');
    expect(timeOfDayForClock('02:00')).toBe('night');
    expect(timeOfDayForClock('25:00')).toBeNull();
    const r = dosesByTimeOfDay({ text: '', doses: [tab('22:00', 1), tab('bad' as never, 1)] });
    expect(r.night.map((d) => d.label)).toEqual(['kl. 22:00']);
    expect(r.unscheduled).toHaveLength(1);
  });

  it('puts "ved behov" and text-only dosages where the nurse still sees them', () => {
    const asNeeded = dosesByTimeOfDay({ text: '1 tablett ved smerter', maxPerDay: 4 }, { use: '3' });
    expect(asNeeded.asNeeded).toEqual([{ label: '', text: '1 tablett ved smerter', note: 'høyst 4 per døgn' }]);
    const textOnly = dosesByTimeOfDay({ text: 'Følg vedlagte bruksanvisning' });
    expect(textOnly.unscheduled.map((d) => d.text)).toEqual(['Følg vedlagte bruksanvisning']);
    const weekly = dosesByTimeOfDay({ text: '', doses: [tab('morning', 1)], intervalDays: 7 });
    expect(weekly.morning[0]?.note).toBe('hver uke');
  });
});

// ------------------------------------------------------------------ comparison

describe('sameDosage and describeDosageDifference', () => {
  it('compares structured doses, not their wording', () => {
    const a: Dosage = { text: '1 tablett morgen og 1 tablett kveld', doses: [tab('morning', 1, '1'), tab('evening', 1, '5')] };
    const b: Dosage = { text: '1 tab morgen, 1 tab kveld daglig', doses: [tab('evening', 1), { ...tab('morning', 1), unit: 'Tabletter' }] };
    expect(sameDosage(a, b)).toBe(true);
    expect(describeDosageDifference(a, b)).toBeNull();
  });

  it('uses the Kortdose when a side has no structured doses', () => {
    expect(sameDosage({ text: 'a', shortCode: '1+0+0+1' }, { text: 'b', doses: [tab('morning', 1), tab('evening', 1)] })).toBe(true);
    expect(sameDosage({ text: 'a', shortCode: '1+0+0+2' }, { text: 'b', doses: [tab('morning', 1), tab('evening', 1)] })).toBe(false);
  });

  it('describes what changed, slot by slot', () => {
    const a: Dosage = { text: '', doses: [tab('morning', 1), tab('evening', 2)] };
    const b: Dosage = { text: '', doses: [tab('morning', 2), tab('midday', 1, '4')], intervalDays: 7 };
    expect(describeDosageDifference(a, b)).toBe(
      'morgen: 1 tablett → 2 tabletter; ettermiddag: 1 tablett lagt til; kveld: 2 tabletter fjernet; intervall: daglig → hver uke',
    );
    const unit: Dosage = { text: '', doses: [{ time: 'morning', amount: 1, unit: 'kapsel' }] };
    expect(describeDosageDifference({ text: '', doses: [tab('morning', 1)] }, unit)).toBe('morgen: 1 tablett → 1 kapsel');
    expect(describeDosageDifference({ text: '', doses: [tab('morning', 1)], maxPerDay: 2 }, { text: '', doses: [tab('morning', 1)] })).toBe(
      'høyst per døgn: 2 tabletter → ikke angitt',
    );
  });

  it('treats midt på dagen and formiddag as different times', () => {
    expect(sameDosage({ text: '', doses: [tab('midday', 1)] }, { text: '', doses: [tab('midday', 1, '2')] })).toBe(false);
    expect(sameDosage({ text: '', doses: [tab('midday', 1)] }, { text: '', doses: [tab('midday', 1, '3')] })).toBe(true);
  });

  it('compares texts without case, spacing or a final full stop', () => {
    expect(sameDosage({ text: '1 tablett morgen' }, { text: ' 1  Tablett\nmorgen.' })).toBe(true);
    expect(sameDosage({ text: '1 tablett morgen' }, { text: '2 tabletter morgen' })).toBe(false);
    expect(describeDosageDifference({ text: '1 tablett morgen' }, { text: '2 tabletter morgen' })).toBe(
      'Doseringstekst: «1 tablett morgen» → «2 tabletter morgen»',
    );
  });

  it('does not call a weekly dose the same as a daily one', () => {
    expect(sameDosage({ text: '', doses: [tab('morning', 1)], intervalDays: 7 }, { text: '', doses: [tab('morning', 1)] })).toBe(false);
  });
});

const doseArb: fc.Arbitrary<DoseAtTime> = fc
  .record({
    time: fc.constantFrom<DoseAtTime['time']>('morning', 'midday', 'evening', 'night', '08:00', '13:30', '22:00'),
    timeRange: fc.option(fc.constantFrom('1', '2', '3', '4', '5'), { nil: undefined }),
    amount: partArb.filter((x) => x > 0),
    unit: fc.constantFrom('tablett', 'tabletter', 'ml', 'mg', ''),
  })
  .map(({ timeRange, ...d }) => (timeRange ? { ...d, timeRange } : d));
const dosageArb: fc.Arbitrary<Dosage> = fc.record(
  {
    text: fc.constantFrom('1 tablett morgen', '2 tabletter kveld', 'Følg bruksanvisning', ''),
    shortCode: fc.constantFrom('1+0+0+1', '0+0+0+2', '1+1+1', '1x3'),
    doses: fc.array(doseArb, { maxLength: 4 }),
    intervalDays: fc.constantFrom(1, 2, 7),
    maxPerDay: fc.constantFrom(2, 4),
  },
  { requiredKeys: ['text'] },
);

describe('dosage comparison: properties', () => {
  it('sameDosage is reflexive and symmetric; a difference is described exactly when they differ', () => {
    fc.assert(
      fc.property(dosageArb, dosageArb, (a, b) => {
        expect(sameDosage(a, a)).toBe(true);
        expect(sameDosage(a, b)).toBe(sameDosage(b, a));
        const diff = describeDosageDifference(a, b);
        expect(diff === null).toBe(sameDosage(a, b));
        if (diff !== null) expect(diff.length).toBeGreaterThan(3);
      }),
      { numRuns: 2000 },
    );
  });

  it('formatDosage never throws and the time-of-day view never drops a dose', () => {
    fc.assert(
      fc.property(dosageArb, fc.constantFrom<'1' | '2' | '3' | undefined>('1', '2', '3', undefined), (d, use) => {
        expect(formatDosage(d, { use }).length).toBeGreaterThan(0);
        const view = dosesByTimeOfDay(d, { use });
        const count = Object.values(view).reduce((n, xs) => n + xs.length, 0);
        expect(count).toBe(Math.max(1, d.doses?.length ?? 0));
        if (use === '3') expect(view.asNeeded.length).toBe(count);
      }),
    );
  });
});

describe('formatDosage and a maximum already in the text', () => {
  it('does not repeat the maximum the prescriber wrote', () => {
    const text = '1–2 tabletter ved behov, høyst 6 tabletter i døgnet';
    expect(formatDosage({ text, maxPerDay: 6 })).toBe(text);
  });
  it('adds the maximum when the text does not state it', () => {
    expect(formatDosage({ text: '1 tablett ved behov', maxPerDay: 3, doses: [] })).toMatch(/høyst 3 .*per døgn/);
  });
});

describe('dosesByTimeOfDay and a maximum already in the text', () => {
  it('does not add a second note with the same maximum', () => {
    const out = dosesByTimeOfDay({ text: '1 tablett ved behov, høyst 4 i døgnet', maxPerDay: 4 }, { use: '3' });
    expect(out.asNeeded).toHaveLength(1);
    expect(out.asNeeded[0]!.note).toBeUndefined();
  });
});
