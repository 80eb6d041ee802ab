import type {
  CatalogueInteraction,
  CatalogueMeta,
  CatalogueProduct,
  Dispensing,
  Dosage,
  IsoDate,
  IsoDateTime,
  LocalListEntry,
  MedicationRead,
  Patient,
  PllEntry,
  Prescription,
} from '../model';

/** What reconcile() compares: the local (EPJ) list and one `$getMedication` read. */
export interface ReconcileInput {
  patient: Patient;
  local: LocalListEntry[];
  read: MedicationRead;
}

/**
 * The part of the FEST catalogue the safety checks need. The FEST module's structures are adapted
 * to this by a small adapter (see `catalogueFromLookup` in ./adapter when wired); null means "no catalogue".
 */
export interface SafetyCatalogue {
  meta: CatalogueMeta | null;
  /** Look up a product (Legemiddelmerkevare / virkestoff) by FEST id. */
  productById?(festId: string): CatalogueProduct | undefined;
  interactions: CatalogueInteraction[];
  /** Substance names (lower case) for an ATC code, when the catalogue knows them. */
  substancesOfAtc?(atc: string): string[];
  /** True when FEST says the ATC code has not been assessed for interactions (no finding ≠ no risk). */
  notAssessed?(atc: string): boolean;
}

/** Every row status; the order is the order of seriousness within a group. */
export const ROW_STATUSES = [
  'recalled-but-active-locally',
  'discontinued-in-pll-active-locally',
  'discontinued-locally-active-nationally',
  'prescription-expired-treatment-continues',
  'dose-differs',
  'pll-entry-without-valid-prescription',
  'prescription-without-pll-entry',
  'expires-soon',
  'details-differ',
  'only-pll',
  'only-prescription',
  'only-local',
  'dispensed-not-listed',
  'in-sync',
  'not-pll-item',
  'discontinued',
  'discontinued-expired',
  'ended',
] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** How the user reads the list: identical, changed, or only in one source. */
export type RowGroup = 'same' | 'changed' | 'only-one-source';
export const ROW_GROUPS: readonly RowGroup[] = ['changed', 'only-one-source', 'same'];

export const STATUS_GROUP: Record<RowStatus, RowGroup> = {
  'recalled-but-active-locally': 'changed',
  'discontinued-in-pll-active-locally': 'changed',
  'discontinued-locally-active-nationally': 'changed',
  'prescription-expired-treatment-continues': 'changed',
  'dose-differs': 'changed',
  'pll-entry-without-valid-prescription': 'changed',
  'prescription-without-pll-entry': 'changed',
  'expires-soon': 'changed',
  'details-differ': 'changed',
  'only-pll': 'only-one-source',
  'only-prescription': 'only-one-source',
  'only-local': 'only-one-source',
  'dispensed-not-listed': 'only-one-source',
  'in-sync': 'same',
  'not-pll-item': 'same',
  discontinued: 'same',
  'discontinued-expired': 'same',
  ended: 'same',
};

/** Norwegian label of each status, as the clinician sees it. */
export const STATUS_LABEL: Record<RowStatus, string> = {
  'recalled-but-active-locally': 'Tilbakekalt i RF, men aktiv i lokal liste',
  'discontinued-in-pll-active-locally': 'Seponert i PLL, men aktiv i lokal liste',
  'discontinued-locally-active-nationally': 'Seponert lokalt, men fortsatt gyldig nasjonalt',
  'prescription-expired-treatment-continues': 'Resepten er utløpt, behandlingen fortsetter',
  'dose-differs': 'Ulik dosering eller legemiddel',
  'pll-entry-without-valid-prescription': 'PLL-oppføring uten gyldig resept',
  'prescription-without-pll-entry': 'Resept uten oppføring i PLL',
  'expires-soon': 'Resepten utløper snart',
  'details-differ': 'Ulike opplysninger (utløp/forskriver)',
  'only-pll': 'Bare i PLL',
  'only-prescription': 'Bare som resept i RF',
  'only-local': 'Bare i lokal liste',
  'dispensed-not-listed': 'Utlevert (Kjernejournal), men ikke på noen liste',
  'in-sync': 'Samstemt',
  'not-pll-item': 'Føres ikke i PLL (vaksine/næringsmiddel/forbruksmateriell)',
  discontinued: 'Seponert (vises i PLL i 90 dager)',
  'discontinued-expired': 'Seponert for mer enn 90 dager siden',
  ended: 'Avsluttet resept',
};

export function groupOf(status: RowStatus): RowGroup {
  return STATUS_GROUP[status];
}

/** Statuses that block sending until the user has taken a position on the row. */
export const NEEDS_DECISION: ReadonlySet<RowStatus> = new Set<RowStatus>([
  'recalled-but-active-locally',
  'discontinued-in-pll-active-locally',
  'discontinued-locally-active-nationally',
  'dose-differs',
  'pll-entry-without-valid-prescription',
  'prescription-without-pll-entry',
  'only-pll',
  'only-prescription',
  'only-local',
  'dispensed-not-listed',
]);

export type Source = 'local' | 'pll' | 'prescription' | 'dispensing';

/** The weakest key that joined the row's items, strongest first. */
export const MATCH_KEYS = ['single', 'resept-id', 'lib-id', 'renewal-chain', 'fest-id', 'atc-strength-form', 'atc', 'name'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

export type DifferenceField = 'dose' | 'strength' | 'form' | 'use' | 'expiry' | 'prescriber' | 'status';

export interface Difference {
  field: DifferenceField;
  /** Norwegian field name ("Dosering"). */
  label: string;
  local: string;
  national: string;
}

export interface RowItems {
  local: LocalListEntry[];
  pll: PllEntry[];
  prescriptions: Prescription[];
  dispensings: Dispensing[];
}

export interface ReconcileRow {
  /** Stable across reads: from a LibId, else the local id, else the renewal chain's first ReseptId. Never a FHIR id. */
  id: string;
  status: RowStatus;
  group: RowGroup;
  /** Norwegian status label. */
  label: string;
  name: string;
  atc?: string;
  /** Every ATC code seen on the row's items. */
  atcs: string[];
  /** Substance names (lower case), from the items and the catalogue. */
  substances: string[];
  /** The renewal chain, oldest first; the last is the current one. */
  reseptIds: string[];
  headReseptId?: string;
  libId?: string;
  sources: Source[];
  match: MatchKey;
  /** True when the row was joined on FEST id, ATC/strength/form or ATC alone: the user should confirm it. */
  weakMatch: boolean;
  differences: Difference[];
  /** Norwegian explanations of the status. */
  notes: string[];
  /** Vaccine, nutrition or consumable: not a PLL item. */
  nonPll: boolean;
  /** Someone (local list, PLL or a valid prescription) says the treatment is current. */
  active: boolean;
  expiresOn?: IsoDate;
  /** When the treatment was stopped (a stop date on or before the comparison date). */
  discontinuedAt?: IsoDateTime;
  /**
   * A planned end of treatment: the earliest stop date after the comparison date on the current
   * PLL entry or local line (Norwegian calendar date). The row is in use, and counted by the
   * checks, until the start of that day (Europe/Oslo); from that day on it is stopped.
   */
  plannedStopOn?: IsoDate;
  /**
   * The national dose of the row: the current PLL entry's (PLL is the national list), else the
   * prescription's. When PLL's dosage text was changed but its structured doses are still the
   * prescription's, this is the text alone (see `pllDosage`). Show this, not `items.pll[i].dosage`.
   */
  nationalDosage?: Dosage;
  lastDispensedAt?: IsoDateTime;
  /**
   * KJ dispensings joined to this row (by ReseptId) whose drug is not the one prescribed: another
   * substance and another ATC code. Generic substitution keeps the substance, so this is a data
   * anomaly or a pharmacy's "valgt annen vare". Their ATC codes and substances are NOT in `atcs`
   * and `substances`; the safety checks count them on their own while they are plausibly current.
   */
  otherDrugDispensings?: OtherDrugDispensing[];
  items: RowItems;
}

export interface OtherDrugDispensing {
  dispensingId: string;
  name: string;
  atc?: string;
  /** Substance names (lower case) of the dispensed drug. */
  substances: string[];
  dispensedAt: IsoDateTime;
  /** Dispensed within RECENT_DISPENSING_DAYS of the comparison date: the supply may still be in use. */
  current: boolean;
}

/** `dispensing`: KJ shows another drug dispensed on a row's prescription (see `otherDrugDispensings`). */
export type FindingKind = 'interaction' | 'allergy' | 'duplicate' | 'expiry' | 'catalogue' | 'dispensing';
export type Severity = 'high' | 'medium' | 'low' | 'info';
export const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low', 'info'];

export interface Finding {
  /** Stable hash of the finding's kind and subject. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  rows: string[];
  atc: string[];
  /** One Norwegian line. */
  message: string;
  details?: Record<string, unknown>;
}

export interface ReconcileResult {
  patient: Patient;
  readId: string;
  /** The date the comparison was made for (UTC). */
  today: IsoDate;
  /** True when the patient has a PLL (an M25.1) in RF. */
  hasPll: boolean;
  rows: ReconcileRow[];
  findings: Finding[];
  /** Norwegian notes about the read itself (a source that failed, no PLL yet, …). */
  notes: string[];
  rfFetchedAt?: IsoDateTime;
  kjFetchedAt?: IsoDateTime;
}
