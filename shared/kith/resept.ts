// The prescription document (ReseptDokLegemiddel / ReseptDokHandelsvare) as it appears in M1, inside
// M25.1 entries (ReseptDokLegemiddelB64) and in the prescribing-module export. One reader for all three.
import { KithFormatError } from './errors';
import { attrAt, child, children, requireText, textAt, type XmlElement } from './xml';
import { bad, optDateAttr, optNumber, optQuantity, toNumber, toPrescriptionGroup, toUse } from './values';
import { timeOfDayForTimeRange } from '../dosage';
import type { DoseAtTime, Dosage, MedicineRef, Use } from '../model';

export interface ReseptDokContent {
  /** Varegruppekode (7402): L legemiddel, A annet (NIB/FIB). */
  itemGroup?: string;
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  purpose?: string;
  reiterations?: number;
  quantity?: { value: number; unit: string };
  packages?: number;
  /** What kind of item, when the document tells: vaccine from Bruk 4, nutrition/consumable from the hjemmel. */
  category?: 'medicine' | 'vaccine' | 'nutrition' | 'consumable';
}

const MEDICINE_ELEMENTS = ['LegemiddelVirkestoff', 'LegemiddelMerkevare', 'Legemiddelpakning', 'Legemiddelblanding'] as const;

/** Reads a ReseptDokLegemiddel or ReseptDokHandelsvare element. */
export function readReseptDok(doc: XmlElement, source?: string): ReseptDokContent {
  if (doc.name === 'ReseptDokLegemiddel') return readLegemiddel(doc, source);
  if (doc.name === 'ReseptDokHandelsvare') return readHandelsvare(doc, source);
  throw new KithFormatError(`expected ReseptDokLegemiddel or ReseptDokHandelsvare, found ${doc.path}`, { source, element: doc.path });
}

/** Finds the prescription document under a `Resept` (M1) or a ForskrivningsInfo (export). */
export function findReseptDok(parent: XmlElement, source?: string): XmlElement {
  const doc = child(parent, 'ReseptDokLegemiddel') ?? child(parent, 'ReseptDokHandelsvare');
  if (!doc) {
    const full = `${parent.path}/ReseptDokLegemiddel`;
    throw new KithFormatError(`missing required element ${full} (or ReseptDokHandelsvare)`, { source, element: full });
  }
  return doc;
}

function readLegemiddel(doc: XmlElement, source?: string): ReseptDokContent {
  const forskrivning = child(doc, 'Forskrivning');
  if (!forskrivning) {
    const full = `${doc.path}/Forskrivning`;
    throw new KithFormatError(`missing required element ${full}`, { source, element: full });
  }
  const bruk = child(forskrivning, 'Bruk');
  if (!bruk) {
    const full = `${forskrivning.path}/Bruk`;
    throw new KithFormatError(`missing required element ${full}`, { source, element: full });
  }
  const use = toUse(attrAt(bruk, '', 'V', source), bruk, source);
  const out: ReseptDokContent = {
    medicine: readMedicine(forskrivning, source),
    dosage: readDosage(forskrivning, requireText(forskrivning, 'DosVeiledEnkel', source), source),
    use,
    category: use === '4' ? 'vaccine' : 'medicine',
  };
  const itemGroup = attrAt(doc, 'Varegruppekode', 'V', source);
  if (itemGroup) out.itemGroup = itemGroup;
  const purpose = textAt(forskrivning, 'Bruksomrade', source);
  if (purpose) out.purpose = purpose;
  const reit = optNumber(doc, 'Reiterasjon', source);
  if (reit !== undefined) out.reiterations = reit;
  const quantity = optQuantity(doc, 'Mengde', source);
  if (quantity) out.quantity = quantity;
  const packages = optNumber(doc, 'Antall', source);
  if (packages !== undefined) out.packages = packages;
  return out;
}

function readHandelsvare(doc: XmlElement, source?: string): ReseptDokContent {
  const prodGruppe = child(doc, 'ProdGruppe');
  // The product itself when the document names one (typeVare: Nr, Navn), else its product group.
  const vare = doc.children.find((c) => child(c, 'Navn') && (child(c, 'Nr') || c.name === 'Naringsmiddel' || c.name === 'MedForbMatr'));
  const name = textAt(vare, 'Navn', source) ?? attrAt(prodGruppe, '', 'DN', source) ?? attrAt(doc, 'RefHjemmel', 'DN', source);
  if (!name) {
    const full = `${doc.path}/ProdGruppe`;
    throw new KithFormatError(`missing required element ${full}: the item has no name`, { source, element: full });
  }
  const medicine: MedicineRef = { name, kind: 'other' };
  const nr = textAt(vare, 'Nr', source);
  if (nr) medicine.festId = nr;
  const out: ReseptDokContent = {
    itemGroup: attrAt(doc, 'Varegruppekode', 'V', source) ?? 'A',
    medicine,
    // A handelsvare prescription has no Bruk; "fast" is how the item is used, not a dosing claim.
    dosage: { text: textAt(doc, 'Bruksveiledning', source) ?? '' },
    use: '1',
  };
  // Blå resept §5-14: §5 forbruksmateriell (FIB), §6 næringsmidler (NIB). RefHjemmel V is 5xx / 6xx.
  const hjemmel = attrAt(doc, 'RefHjemmel', 'V', source) ?? attrAt(prodGruppe, '', 'V', source);
  if (hjemmel?.startsWith('5')) out.category = 'consumable';
  else if (hjemmel?.startsWith('6')) out.category = 'nutrition';
  const quantity = optQuantity(doc, 'Mengde', source);
  if (quantity) out.quantity = quantity;
  const packages = optNumber(doc, 'Antall', source);
  if (packages !== undefined) out.packages = packages;
  const reit = optNumber(doc, 'Reiterasjon', source);
  if (reit !== undefined) out.reiterations = reit;
  return out;
}

export function readMedicine(forskrivning: XmlElement, source?: string): MedicineRef {
  const el = forskrivning.children.find((c) => (MEDICINE_ELEMENTS as readonly string[]).includes(c.name));
  if (!el) {
    const full = `${forskrivning.path}/LegemiddelVirkestoff`;
    throw new KithFormatError(
      `missing required element ${full} (or LegemiddelMerkevare, Legemiddelpakning, Legemiddelblanding)`,
      { source, element: full },
    );
  }
  if (el.name === 'Legemiddelblanding') {
    const name = textAt(el, 'Navn', source) ?? requireText(el, 'NavnFormStyrke', source);
    const m: MedicineRef = { name, kind: 'magistral' };
    const form = attrAt(el, 'Legemiddelform', 'DN', source);
    if (form) m.form = form;
    return m;
  }
  const m: MedicineRef = {
    name: requireText(el, 'NavnFormStyrke', source),
    kind: el.name === 'LegemiddelVirkestoff' ? 'substance' : el.name === 'LegemiddelMerkevare' ? 'brand' : 'package',
  };
  const atc = attrAt(el, 'Atc', 'V', source);
  if (atc) {
    if (!/^[A-Z]\d{2}[A-Z]{0,2}\d{0,2}$/.test(atc)) throw bad(child(el, 'Atc') ?? el, `"${atc}" is not an ATC code`, source);
    m.atc = atc;
  }
  const festId = el.name === 'Legemiddelpakning' ? textAt(el, 'Varenr', source) : (textAt(el, 'Id', source) ?? textAt(el, 'LegemiddelId', source));
  if (festId) m.festId = festId;
  const form = attrAt(el, 'LegemiddelformKort', 'DN', source);
  if (form) m.form = form;
  const groupEl = child(el, 'Reseptgruppe');
  const group = toPrescriptionGroup(attrAt(groupEl, '', 'V', source), groupEl ?? el, source);
  if (group) m.prescriptionGroup = group;
  const substances = children(el, 'Virkestoff')
    .map((v) => textAt(v, 'VirkestoffNavn', source)?.toLowerCase())
    .filter((s): s is string => !!s);
  if (substances.length) m.substances = substances;
  return m;
}

function readDosage(forskrivning: XmlElement, text: string, source?: string): Dosage {
  const dosage: Dosage = { text };
  const shortCode = attrAt(forskrivning, 'Kortdose', 'DN', source);
  if (shortCode) dosage.shortCode = shortCode;
  const dosering = child(forskrivning, 'Dosering');
  if (!dosering) return dosage;
  const start = optDateAttr(dosering, 'Starttidspunkt', source);
  if (start) dosage.start = start;
  const end = optDateAttr(dosering, 'Sluttidspunkt', source);
  if (end) dosage.end = end;
  const doses: DoseAtTime[] = [];
  for (const d of children(dosering, 'DoseFastTidspunkt')) {
    doses.push(readFixedDose(d, source));
    if (dosage.intervalDays === undefined) {
      const days = intervalDays(d, source);
      if (days !== undefined) dosage.intervalDays = days;
    }
  }
  if (doses.length) dosage.doses = doses;
  for (const d of children(dosering, 'DoseEtterBehov')) {
    const max = optQuantity(d, 'DoseDognMaks', source);
    if (max && dosage.maxPerDay === undefined) dosage.maxPerDay = max.value;
  }
  return dosage;
}

function readFixedDose(d: XmlElement, source?: string): DoseAtTime {
  const mengde = child(d, 'Mengde');
  const v = attrAt(mengde, '', 'V', source);
  if (!mengde || v === undefined) {
    const full = `${d.path}/Mengde`;
    throw new KithFormatError(`missing required element ${full} (the dose amount)`, { source, element: full });
  }
  const dose: DoseAtTime = { time: 'morning', amount: toNumber(v, mengde, source), unit: attrAt(mengde, '', 'U', source) ?? '' };
  const range = child(d, 'Tidsomrade');
  const code = attrAt(range, '', 'V', source);
  const clock = textAt(d, 'Klokkeslett', source);
  if (clock) {
    const m = /^(\d{2}):(\d{2})/.exec(clock);
    if (!m || +m[1]! > 23 || +m[2]! > 59) throw bad(child(d, 'Klokkeslett') ?? d, `"${clock}" is not a clock time`, source);
    dose.time = `${m[1]}:${m[2]}` as DoseAtTime['time'];
  } else if (code !== undefined) {
    // One mapping for the whole app (shared/dosage): 8325 code → the nurse's four rounds.
    const round = timeOfDayForTimeRange(code);
    if (!round) throw bad(range ?? d, `unknown Tidsomrade "${code}" (kodeverk 8325; known codes 1–5)`, source);
    dose.time = round;
  } else {
    throw new KithFormatError(`dose in ${d.path} has neither Tidsomrade nor Klokkeslett`, { source, element: d.path });
  }
  if (code !== undefined) dose.timeRange = code;
  return dose;
}

function intervalDays(d: XmlElement, source?: string): number | undefined {
  const q = optQuantity(d, 'Intervall', source);
  if (!q) return undefined;
  const unit = q.unit.toLowerCase();
  if (unit === 'døgn' || unit === 'd' || unit === 'dag' || unit === 'dager') return q.value;
  if (unit === 'uke' || unit === 'uker' || unit === 'wk') return q.value * 7;
  return undefined;
}
