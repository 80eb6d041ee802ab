// Builders for realistic test sources (tests, scenarios, property arbitraries, demo data).
// Pure data; medicine names, ATC codes and strengths as FEST writes them.
import type {
  CatalogueInteraction,
  CriticalInfo,
  Dispensing,
  Dosage,
  LocalListEntry,
  MedicationRead,
  MedicineRef,
  Patient,
  PllEntry,
  Prescriber,
  Prescription,
} from '../model';
import type { SafetyCatalogue } from './types';

const med = (name: string, atc: string, form: string, strength: string, substances: string[], festId?: string, kind: MedicineRef['kind'] = 'brand'): MedicineRef => ({
  name,
  atc,
  form,
  strength,
  substances,
  kind,
  ...(festId ? { festId } : {}),
});

/** A small, realistic formulary. Keys are what scenarios refer to. */
export const MEDS = {
  'marevan-2.5': med('Marevan tab 2,5 mg', 'B01AA03', 'Tablett', '2,5 mg', ['warfarin'], 'ID_MAREVAN_25'),
  'ibux-400': med('Ibux tab 400 mg', 'M01AE01', 'Tablett', '400 mg', ['ibuprofen'], 'ID_IBUX_400'),
  'naproxen-500': med('Naproxen Mylan tab 500 mg', 'M01AE02', 'Tablett', '500 mg', ['naproksen'], 'ID_NAPROXEN_500'),
  'losec-20': med('Losec enterotab 20 mg', 'A02BC01', 'Enterotablett', '20 mg', ['omeprazol'], 'ID_LOSEC_20'),
  'omeprazol-sandoz-20': med('Omeprazol Sandoz enterokaps 20 mg', 'A02BC01', 'Enterokapsel', '20 mg', ['omeprazol'], 'ID_OMEP_SANDOZ_20'),
  'nexium-20': med('Nexium enterotab 20 mg', 'A02BC05', 'Enterotablett', '20 mg', ['esomeprazol'], 'ID_NEXIUM_20'),
  'imacillin-500': med('Imacillin kaps 500 mg', 'J01CA04', 'Kapsel', '500 mg', ['amoksicillin'], 'ID_IMACILLIN_500'),
  'apocillin-660': med('Apocillin tab 660 mg', 'J01CE02', 'Tablett', '660 mg', ['fenoksymetylpenicillin'], 'ID_APOCILLIN_660'),
  'keflex-500': med('Keflex kaps 500 mg', 'J01DB01', 'Kapsel', '500 mg', ['cefaleksin'], 'ID_KEFLEX_500'),
  'simvastatin-20': med('Simvastatin tab 20 mg', 'C10AA01', 'Tablett', '20 mg', ['simvastatin'], 'ID_SIMVA_20', 'substance'),
  'simvastatin-40': med('Simvastatin tab 40 mg', 'C10AA01', 'Tablett', '40 mg', ['simvastatin'], 'ID_SIMVA_40', 'substance'),
  'atorvastatin-40': med('Atorvastatin tab 40 mg', 'C10AA05', 'Tablett', '40 mg', ['atorvastatin'], 'ID_ATORVA_40', 'substance'),
  'metformin-500': med('Metformin tab 500 mg', 'A10BA02', 'Tablett', '500 mg', ['metformin'], 'ID_METFORMIN_500', 'substance'),
  'levaxin-50': med('Levaxin tab 50 µg', 'H03AA01', 'Tablett', '50 µg', ['levotyroksin'], 'ID_LEVAXIN_50'),
  'amlodipin-5': med('Amlodipin tab 5 mg', 'C08CA01', 'Tablett', '5 mg', ['amlodipin'], 'ID_AMLO_5', 'substance'),
  'selozok-50': med('Selo-Zok depottab 50 mg', 'C07AB02', 'Depottablett', '50 mg', ['metoprolol'], 'ID_SELOZOK_50'),
  'paracet-500': med('Paracet tab 500 mg', 'N02BE01', 'Tablett', '500 mg', ['paracetamol'], 'ID_PARACET_500'),
  'imovane-7.5': med('Imovane tab 7,5 mg', 'N05CF01', 'Tablett', '7,5 mg', ['zopiklon'], 'ID_IMOVANE_75'),
  'prednisolon-5': med('Prednisolon tab 5 mg', 'H02AB06', 'Tablett', '5 mg', ['prednisolon'], 'ID_PRED_5', 'substance'),
  'enalapril-10': med('Enalapril tab 10 mg', 'C09AA02', 'Tablett', '10 mg', ['enalapril'], 'ID_ENALAPRIL_10', 'substance'),
  'furix-40': med('Furix tab 40 mg', 'C03CA01', 'Tablett', '40 mg', ['furosemid'], 'ID_FURIX_40'),
  'cordarone-100': med('Cordarone tab 100 mg', 'C01BD01', 'Tablett', '100 mg', ['amiodaron'], 'ID_CORDARONE_100'),
  'sertralin-50': med('Sertralin tab 50 mg', 'N06AB06', 'Tablett', '50 mg', ['sertralin'], 'ID_SERTRALIN_50', 'substance'),
  'akamprosat-333': med('Akamprosat enterotab 333 mg', 'N07BB03', 'Enterotablett', '333 mg', ['akamprosat'], 'ID_AKAMPROSAT_333', 'substance'),
  'ibux-600': med('Ibux tab 600 mg', 'M01AE01', 'Tablett', '600 mg', ['ibuprofen'], 'ID_IBUX_600'),
  'zocor-20': med('Zocor tab 20 mg', 'C10AA01', 'Tablett', '20 mg', ['simvastatin'], 'ID_ZOCOR_20'),
  'voltaren-50': med('Voltaren enterotab 50 mg', 'M01AB05', 'Enterotablett', '50 mg', ['diklofenak'], 'ID_VOLTAREN_50'),
  'escitalopram-10': med('Cipralex tab 10 mg', 'N06AB10', 'Tablett', '10 mg', ['escitalopram'], 'ID_CIPRALEX_10'),
  'eliquis-5': med('Eliquis tab 5 mg', 'B01AF02', 'Tablett', '5 mg', ['apiksaban'], 'ID_ELIQUIS_5'),
  'albyl-e-75': med('Albyl-E enterotab 75 mg', 'B01AC06', 'Enterotablett', '75 mg', ['acetylsalisylsyre'], 'ID_ALBYLE_75'),
  'plavix-75': med('Plavix tab 75 mg', 'B01AC04', 'Tablett', '75 mg', ['klopidogrel'], 'ID_PLAVIX_75'),
  'novorapid': med('NovoRapid inj 100 E/ml', 'A10AB05', 'Injeksjonsvæske', '100 E/ml', ['insulin aspart'], 'ID_NOVORAPID'),
  'lantus': med('Lantus inj 100 E/ml', 'A10AE04', 'Injeksjonsvæske', '100 E/ml', ['insulin glargin'], 'ID_LANTUS'),
  'ventoline': med('Ventoline inh aerosol 0,1 mg/dose', 'R03AC02', 'Inhalasjonsaerosol', '0,1 mg/dose', ['salbutamol'], 'ID_VENTOLINE'),
  'serevent': med('Serevent inh aerosol 25 µg/dose', 'R03AC12', 'Inhalasjonsaerosol', '25 µg/dose', ['salmeterol'], 'ID_SEREVENT'),
  'isoptin-80': med('Isoptin tab 80 mg', 'C08DA01', 'Tablett', '80 mg', ['verapamil'], 'ID_ISOPTIN_80'),
  'maxitrol-oyedr': med('Maxitrol øyedr, susp', 'S01CA01', 'Øyedråper', '1 mg/ml/3500 IE/ml/6000 IE/ml', ['deksametason', 'neomycin', 'polymyksin b'], 'ID_MAXITROL'),
  'timosan-oyedr': med('Timosan øyedr 2,5 mg/ml', 'S01ED01', 'Øyedråper', '2,5 mg/ml', ['timolol'], 'ID_TIMOSAN'),
  'voltaren-gel': med('Voltaren gel 11,6 mg/g', 'M02AA15', 'Gel', '11,6 mg/g', ['diklofenak'], 'ID_VOLTAREN_GEL'),
  'bcg-vaksine': med('BCG-vaksine AJVaccines', 'J07AN01', 'Pulver og væske til injeksjonsvæske', '', ['bcg'], '018399', 'package'),
  'fenylketonuri-naering': { name: 'Næringsmiddel ved fenylketonuri', kind: 'other' },
} satisfies Record<string, MedicineRef>;
export type MedKey = keyof typeof MEDS;

export const GP: Prescriber = { name: 'Knut Pettersen', hpr: '2127296', organisation: 'Varacet Testlegekontor' };
export const HOSPITAL_DOCTOR: Prescriber = { name: 'Ingrid Sykehuslege', hpr: '9144889', organisation: 'Testsykehuset HF' };

export const mkPatient = (over: Partial<Patient> = {}): Patient => ({
  identityNumber: '15069396949',
  identityKind: 'FNR',
  givenName: 'Magnar Daniel',
  familyName: 'Odden',
  birthDate: '1993-06-15',
  sex: 'male',
  ...over,
});

export const dose = (text: string, shortCode?: string): Dosage => ({ text, ...(shortCode ? { shortCode } : {}) });

type Base = { medicine: MedKey | MedicineRef; dosage?: Dosage | string };
const medOf = (m: MedKey | MedicineRef): MedicineRef => (typeof m === 'string' ? MEDS[m] : m);
const dosOf = (d: Dosage | string | undefined): Dosage => (d === undefined ? dose('1 tablett morgen', '1+0+0+0') : typeof d === 'string' ? dose(d) : d);

export function mkLocal(over: Base & Partial<Omit<LocalListEntry, 'medicine' | 'dosage'>> & { id: string }): LocalListEntry {
  const { medicine, dosage, ...rest } = over;
  return { patientId: '15069396949', use: '1', updatedAt: '2026-01-05T10:00:00Z', ...rest, medicine: medOf(medicine), dosage: dosOf(dosage) };
}

export function mkRx(over: Base & Partial<Omit<Prescription, 'medicine' | 'dosage'>> & { reseptId: string }): Prescription {
  const { medicine, dosage, ...rest } = over;
  return { prescribedOn: '2026-01-05', expiresOn: '2027-01-04', use: '1', status: 'E', type: 'E', prescriber: GP, ...rest, medicine: medOf(medicine), dosage: dosOf(dosage) };
}

export function mkPll(over: Base & Partial<Omit<PllEntry, 'medicine' | 'dosage'>> & { libId: string }): PllEntry {
  const { medicine, dosage, ...rest } = over;
  return { type: over.reseptId ? 'E' : 'U', lastChanged: '2026-01-05T10:00:00Z', use: '1', startedOn: '2026-01-05', prescriber: GP, ...rest, medicine: medOf(medicine), dosage: dosOf(dosage) };
}

export function mkDisp(over: { medicine: MedKey | MedicineRef } & Partial<Omit<Dispensing, 'medicine'>> & { id: string }): Dispensing {
  const { medicine, ...rest } = over;
  return { dispensedAt: '2026-10-01T12:00:00Z', ...rest, medicine: medOf(medicine) };
}

export function mkCave(over: Partial<CriticalInfo> & { id: string; agent: string }): CriticalInfo {
  return { kind: 'allergy', source: 'KJ', ...over };
}

export function mkRead(over: Partial<MedicationRead> = {}): MedicationRead {
  return {
    readId: 'read-1',
    patient: mkPatient(),
    prescriptions: [],
    pll: [],
    dispensings: [],
    criticalInfo: [],
    rfFetchedAt: '2026-11-26T08:55:00Z',
    kjFetchedAt: '2026-11-26T08:55:00Z',
    errors: [],
    ...over,
  };
}

export const INTERACTIONS: CatalogueInteraction[] = [
  {
    id: 'IA_WARFARIN_NSAID',
    substanceGroups: [
      { atc: ['B01AA03'], substances: ['warfarin'] },
      { atc: ['M01A'], substances: ['ibuprofen', 'naproksen'] },
    ],
    relevance: 'avoid',
    consequence: 'Økt blødningsrisiko',
    mechanism: 'Additiv effekt på hemostase',
    handling: 'Bør unngås. Velg paracetamol ved smerter.',
  },
  {
    id: 'IA_WARFARIN_PARACETAMOL',
    substanceGroups: [
      { atc: ['B01AA03'], substances: ['warfarin'] },
      { atc: ['N02BE01'], substances: ['paracetamol'] },
    ],
    relevance: 'none',
    consequence: 'Kan gi noe økt INR ved høye doser over tid',
  },
  {
    id: 'IA_SIMVA_AMIODARON',
    substanceGroups: [
      { atc: ['C10AA01'], substances: ['simvastatin'] },
      { atc: ['C01BD01'], substances: ['amiodaron'] },
    ],
    relevance: 'precautions',
    consequence: 'Økt risiko for myopati',
    handling: 'Simvastatin maks 20 mg daglig.',
  },
  {
    // Written for systemic corticosteroids: its groups name the substances, as FEST's Substans does.
    id: 'IA_CORTICO_NSAID',
    substanceGroups: [
      { atc: ['H02AB06', 'H02AB02'], substances: ['prednisolon', 'deksametason'] },
      { atc: ['M01AE01', 'M01AE02', 'M01AB05'], substances: ['ibuprofen', 'naproksen', 'diklofenak'] },
    ],
    relevance: 'precautions',
    consequence: 'Økt risiko for magesår og blødning',
  },
  {
    // FEST names the eye drop itself (S01ED01) here: the finding keeps its full severity.
    id: 'IA_TIMOLOL_VERAPAMIL',
    substanceGroups: [
      { atc: ['C07AA06', 'S01ED01'], substances: ['timolol'] },
      { atc: ['C08DA01'], substances: ['verapamil'] },
    ],
    relevance: 'precautions',
    consequence: 'Additiv bradykardi og AV-blokk, også ved timolol øyedråper',
  },
  {
    id: 'IA_ACE_NSAID',
    substanceGroups: [
      { atc: ['C09AA'], substances: [] },
      { atc: ['M01AE'], substances: [] },
    ],
    relevance: 'precautions',
    consequence: 'Redusert blodtrykkssenkende effekt og risiko for nyresvikt',
  },
];

/** A catalogue extracted `ageDays` before `now`. */
export function mkCatalogue(now: Date, ageDays = 10, interactions: CatalogueInteraction[] = INTERACTIONS): SafetyCatalogue {
  const extractedAt = new Date(now.getTime() - ageDays * 86_400_000).toISOString();
  return {
    meta: { extractedAt, counts: { products: Object.keys(MEDS).length, packages: 0, substances: 0, interactions: interactions.length } },
    interactions,
  };
}

/** A deterministic id generator: `prefix-1`, `prefix-2`, … */
export function counterIds(prefix = 'new'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
