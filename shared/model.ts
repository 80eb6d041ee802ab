// The domain model: plain records, no classes, so they travel through Redux, Dexie, IPC and HTTP
// unchanged. Names follow the Norwegian e-resept standard where a reader of the KITH or SFM
// documents would look for them; comments give the code list (kodeverk) a field takes.

/** ISO 8601 date `YYYY-MM-DD`. */
export type IsoDate = string;
/** ISO 8601 date-time with offset. */
export type IsoDateTime = string;

export type IdentityKind = 'FNR' | 'DNR' | 'HNR';

export interface Patient {
  /** Fødselsnummer, D-nummer or H-nummer, 11 digits. */
  identityNumber: string;
  identityKind: IdentityKind;
  givenName: string;
  familyName: string;
  birthDate: IsoDate;
  sex: 'male' | 'female';
  /** True when a multidose pharmacy dispenses for the patient. */
  multidose?: boolean;
  /** HPR number of the multidose-responsible doctor, when any. */
  multidoseDoctorHpr?: string;
  /** Unit (avdeling) ids the patient belongs to, for nursing-home residents. */
  units?: string[];
}

/** Kodeverk 7408, Status resept. F is only seen in KJ. */
export type PrescriptionStatus = 'E' | 'U' | 'R' | 'T' | 'F';
/** Kodeverk 7500, Tilbakekallingsårsak: 1 Fornying, 2 Seponering, 3 Fornying med endring, 4 Annen. */
export type RecallReason = '1' | '2' | '3' | '4';
/** Kodeverk 9101, Bruk: 1 Fast, 2 Kur, 3 Ved behov, 4 Vaksine. */
export type Use = '1' | '2' | '3' | '4';
/** Kodeverk 7421, Reseptgruppe. */
export type PrescriptionGroup = 'A' | 'B' | 'C' | 'CF' | 'F' | 'K';
/** Kodeverk 7491: E e-resept, P papir, U uten resept. */
export type PrescriptionType = 'E' | 'P' | 'U';
/** Kodeverk 7494, Seponeringsårsak (A Avsluttet behandling, X Annen årsak, …). */
export type DiscontinuationReason = string;

/** Kodeverk 8325, Tidsområde: the time of day of a fixed dose. */
export type TimeOfDay = 'morning' | 'midday' | 'evening' | 'night';

export interface DoseAtTime {
  /** Time of day, or a clock time `HH:mm` when the dose is exact. */
  time: TimeOfDay | `${number}:${number}`;
  /**
   * Kodeverk 8325 Tidsområde code when the source gave one. It is finer than `time`:
   * 1 Morgen, 2 Formiddag, 3 Midt på dagen, 4 Ettermiddag, 5 Kveld (seen in real M1s).
   * `time` then holds the TimeOfDay it is grouped under (see shared/dosage.ts).
   */
  timeRange?: string;
  amount: number;
  unit: string;
}

export interface Dosage {
  /** The simple dosage text (DosVeiledEnkel), always present: what the patient reads. */
  text: string;
  /** Kortdose code as written, for example `1+0+0+1`. */
  shortCode?: string;
  /** Structured fixed doses (Dosering/DoseFastTidspunkt). Empty when only text is known. */
  doses?: DoseAtTime[];
  /** Interval in days between dosing days (1 = daily, 7 = weekly). */
  intervalDays?: number;
  /** For Bruk 3: the most that may be taken in 24 hours, in the dose unit. */
  maxPerDay?: number;
  start?: IsoDate;
  end?: IsoDate;
}

/** The medicine as prescribed: a FEST substance (virkestoff), brand (merkevare) or package (varenr). */
export interface MedicineRef {
  /** Navn, form og styrke as FEST writes it, e.g. "Simvastatin tab 10 mg". */
  name: string;
  atc?: string;
  /** FEST id (`ID_…`) for substance/brand, or varenummer for a package. */
  festId?: string;
  kind: 'substance' | 'brand' | 'package' | 'other' | 'magistral';
  /** Kodeverk 7448 short form text, e.g. "Tablett". */
  form?: string;
  strength?: string;
  prescriptionGroup?: PrescriptionGroup;
  /** Substance names (virkestoff), lower case, when known. */
  substances?: string[];
}

export interface Prescription {
  /** The M1 MsgId. */
  reseptId: string;
  prescribedOn: IsoDate;
  expiresOn: IsoDate;
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  /** Bruksområde, e.g. "Mot høyt kolesterol". */
  purpose?: string;
  reiterations?: number;
  quantity?: { value: number; unit: string };
  packages?: number;
  status: PrescriptionStatus;
  /** Set when a recall (M5) has been registered for the prescription. */
  recall?: { reason: RecallReason; note?: string; at?: IsoDateTime };
  /** ReseptId of the prescription this one renewed (the older link of the chain). */
  renews?: string;
  prescriber?: Prescriber;
  /** Dispensing pharmacy's name while status is U. */
  dispenserName?: string;
  type?: PrescriptionType;
  /** Varegruppekode 7402: L legemiddel, A handelsvare (NIB/FIB). */
  itemGroup?: string;
}

export interface Prescriber {
  name: string;
  hpr?: string;
  organisation?: string;
}

export interface PllEntry {
  /** EnkeltoppforingLIB/Id: a UUID that never changes. */
  libId: string;
  /** Absent for an entry without prescription (type U). */
  reseptId?: string;
  type: PrescriptionType;
  startedOn?: IsoDate;
  lastChanged: IsoDateTime;
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  purpose?: string;
  expiresOn?: IsoDate;
  discontinued?: { at: IsoDateTime; reason?: DiscontinuationReason; note?: string; by?: Prescriber };
  prescriber?: Prescriber;
}

export interface PllVersion {
  /** The M25.1 MsgId. */
  messageId: string;
  patientId: string;
  createdAt: IsoDateTime;
  author?: Prescriber;
  entries: PllEntry[];
}

export interface Dispensing {
  id: string;
  reseptId?: string;
  dispensedAt: IsoDateTime;
  medicine: MedicineRef;
  quantity?: { value: number; unit: string };
  pharmacy?: string;
  dosageText?: string;
  substituted?: boolean;
}

export interface CriticalInfo {
  id: string;
  kind: 'allergy' | 'reaction' | 'condition' | 'implant' | 'treatment' | 'other';
  /** What the patient reacts to, in words ("Penicillin"). */
  agent: string;
  atc?: string;
  substance?: string;
  reaction?: string;
  severity?: 'critical' | 'serious' | 'mild' | 'unknown';
  certainty?: 'confirmed' | 'likely' | 'possible' | 'unknown';
  registeredAt?: IsoDateTime;
  registeredBy?: string;
  source: 'KJ' | 'local';
}

/** One line of the practice's own (EPJ) medication list. */
export interface LocalListEntry {
  /** The local id of the treatment (Legemiddelbehandling). */
  id: string;
  patientId: string;
  libId?: string;
  reseptId?: string;
  /** ReseptIds of earlier links of this treatment's renewal chain, oldest first. */
  previousReseptIds?: string[];
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  purpose?: string;
  startedOn?: IsoDate;
  expiresOn?: IsoDate;
  discontinued?: { at: IsoDateTime; reason?: DiscontinuationReason; note?: string };
  prescriber?: Prescriber;
  /** Status in RF as last known locally (RfStatus), when the entry is an e-prescription. */
  rfStatus?: PrescriptionStatus | 'not-in-rf';
  itemGroup?: string;
  /** 'vaccine' | 'nutrition' | 'consumable' are not PLL items. */
  category?: 'medicine' | 'vaccine' | 'nutrition' | 'consumable';
  updatedAt: IsoDateTime;
}

/** Everything `$getMedication` returns, mapped to the domain. */
export interface MedicationRead {
  /** The Composition identifier a send must relate to. */
  readId: string;
  patient: Patient;
  prescriptions: Prescription[];
  pll: PllEntry[];
  /** MsgId of the M25.1 the PLL came from, absent when the patient has no PLL. */
  pllMessageId?: string;
  /** Multidose pharmacy proposals (M25.2 "Multidose spørremelding fra apotek") waiting for the doctor. */
  pllProposals?: { messageId: string; createdAt: IsoDateTime; pharmacy?: string; note?: string }[];
  dispensings: Dispensing[];
  criticalInfo: CriticalInfo[];
  rfFetchedAt?: IsoDateTime;
  kjFetchedAt?: IsoDateTime;
  /** Errors the services reported for parts of the read (KJ refused, …). */
  errors: { source: 'RF' | 'KJ' | 'PLL'; code: string; text: string }[];
}

// ---- The national drug catalogue (FEST) ----

export interface CatalogueSubstance {
  id: string;
  name: string;
  atc?: string;
}

export interface CatalogueProduct {
  /** FEST id of the Legemiddelmerkevare (or virkestoff). */
  id: string;
  name: string;
  /** Navn, form og styrke. */
  nameFormStrength: string;
  atc: string;
  form: string;
  strength?: string;
  prescriptionGroup: PrescriptionGroup;
  substanceIds: string[];
  substances: string[];
  manufacturer?: string;
}

export interface CataloguePackage {
  /** Varenummer, six digits. */
  varenr: string;
  productId: string;
  size: number;
  unit: string;
  name?: string;
}

/** FEST Interaksjon relevance (kodeverk 7510). */
export type InteractionRelevance = 'avoid' | 'precautions' | 'none';

export interface CatalogueInteraction {
  id: string;
  /** Two (or more) groups of ATC codes or substance names, each side a list. */
  substanceGroups: { atc: string[]; substances: string[] }[];
  relevance: InteractionRelevance;
  /** Klinisk konsekvens in words. */
  consequence: string;
  mechanism?: string;
  handling?: string;
  /** Situasjonskriterium: when the interaction applies, e.g. "Gjelder ved simvastatindoser over 20 mg daglig." */
  situation?: string;
}

export interface CatalogueMeta {
  /** HentetDato of the FEST extract. */
  extractedAt: IsoDateTime;
  importedAt?: IsoDateTime;
  counts: { products: number; packages: number; substances: number; interactions: number };
}
