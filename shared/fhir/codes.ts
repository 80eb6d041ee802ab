// Code systems, OIDs and profile urls of the SFM Basis API, as seen in NHN's real responses
// (reference/sfm-tools: getMedication-multidose-v3.9.json, captured-nhn-test2/) and the notes in
// SFM-BASIS-API.md. Values marked [I] are inferred, not seen in a source.

import type { IdentityKind, PrescriptionStatus, RecallReason, TimeOfDay, Use } from '../model';

const SD = 'http://ehelse.no/fhir/StructureDefinition/';
const CS = 'http://ehelse.no/fhir/CodeSystem/';
const KV = 'urn:oid:2.16.578.1.12.4.1.1.';

export const PROFILE = {
  bundle: `${SD}sfm-MedicationBundle`,
  composition: `${SD}sfm-MedicationComposition`,
  statement: `${SD}sfm-MedicationStatement`,
  medication: `${SD}sfm-Medication`,
  magistral: `${SD}sfm-Magistrell-Medication`,
  substance: `${SD}sfm-Substance`,
  dispense: `${SD}sfm-MedicationDispense`,
  patient: `${SD}sfm-Patient`,
  practitioner: `${SD}sfm-Practitioner`,
  practitionerRole: `${SD}sfm-PractitionerRole`,
  organization: `${SD}sfm-Organization`,
  pllInfo: `${SD}sfm-PLL-info`,
  /** KJ's CAVE profile as one client writes it [I]. */
  allergy: 'http://nhn.no/kj/fhir/StructureDefinition/KjAllergyIntolerance',
} as const;

export const EXT = {
  reseptamendment: `${SD}sfm-reseptamendment`,
  regInfo: `${SD}sfm-regInfo`,
  discontinuation: `${SD}sfm-discontinuation`,
  genericSubstitution: `${SD}sfm-generic-substitution`,
  administration: `${SD}sfm-administration`,
  shortdosage: `${SD}sfm-shortdosage`,
  use: `${SD}sfm-use`,
  applicationArea: `${SD}sfm-application-area`,
  medicationdetails: `${SD}sfm-medicationdetails`,
  prescriptiongroup: 'http://hl7.no/fhir/StructureDefinition/no-basis-prescriptiongroup',
  magistralName: `${SD}sfm-name`,
  dispenseinfo: `${SD}sfm-dispenseinfo`,
  pllInformation: `${SD}sfm-pllInformation`,
  /** Plain url, as SFM writes it: the LIB entry's start date (DatoOppstart) [I]. */
  effectiveDateTime: 'effectiveDateTime',
} as const;

/**
 * Samstem's own extensions, for domain facts SFM has no element for (only the mock broker and this
 * app write them; a real SFM ignores unknown extensions, and the readers work without them).
 */
const SAMSTEM = 'https://samstem.no/fhir/StructureDefinition/';
export const SAMSTEM_EXT = {
  /** MedicineRef.strength ("10 mg"). */
  strength: `${SAMSTEM}strength`,
  /** CriticalInfo.kind / severity / certainty / substance, exact values. */
  caveKind: `${SAMSTEM}cave-kind`,
  caveSeverity: `${SAMSTEM}cave-severity`,
  caveCertainty: `${SAMSTEM}cave-certainty`,
  caveSubstance: `${SAMSTEM}cave-substance`,
} as const;

export const SYSTEM = {
  sectionTypes: `${CS}sfm-section-types`,
  errorCode: `${CS}sfm-kj-rf-error-code`,
  messageType: `${CS}sfm-message-type`,
  festRegistrationType: `${CS}sfm-festregistrationtype`,
  regStatus: `${CS}sfm-medicationstatement-registration-status`,
  performerRoles: `${CS}sfm-performer-roles`,
  fest: `${CS}FEST`,
  atc: 'http://www.whocc.no/atc',
  loinc: 'http://loinc.org',
  listEmptyReason: 'http://terminology.hl7.org/CodeSystem/list-empty-reason',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  ucum: 'http://unitsofmeasure.org',
  uri: 'urn:ietf:rfc:3986',
  /** Kodeverk (Volven) OIDs. */
  itemGroup: `${KV}7402`,
  rfStatus: `${KV}7408`,
  prescriptionGroup: `${KV}7421`,
  preparationType: `${KV}7424`,
  form: `${KV}7448`,
  shortDose: `${KV}7478`,
  pllRole: `${KV}7490`,
  prescriptionType: `${KV}7491`,
  discontinuationReason: `${KV}7494`,
  recallReason: `${KV}7500`,
  timeRange: `${KV}8325`,
  use: `${KV}9101`,
} as const;

/** Person identifier namespaces (code list 8116 types). */
export const IDENTITY_OID: Record<IdentityKind | 'HPR', string> = {
  FNR: 'urn:oid:2.16.578.1.12.4.1.4.1',
  DNR: 'urn:oid:2.16.578.1.12.4.1.4.2',
  HNR: 'urn:oid:2.16.578.1.12.4.1.4.3',
  HPR: 'urn:oid:2.16.578.1.12.4.1.4.4',
};
/** HER-id of organisations. */
export const HER_OID = 'urn:oid:2.16.578.1.12.4.1.2';

export const SECTION = {
  medication: 'sectionMedication',
  pllInfo: 'sectionPLLinfo',
  allergies: 'sectionAllergies',
  dispense: 'sectionDispense',
  otherPrescriptions: 'sectionOtherPrescriptions',
} as const;

/** Identifier type texts on MedicationStatement, as in EX. */
export const ID_TEXT = { pll: 'PLL', reseptId: 'ReseptId', m10: 'M10id', identifier: 'identifier' } as const;

export const USE_DISPLAY: Record<Use, string> = { '1': 'Fast', '2': 'Kur', '3': 'Ved behov', '4': 'Vaksine' };
export const STATUS_DISPLAY: Record<PrescriptionStatus, string> = {
  E: 'Ekspederbar',
  U: 'Under ekspedering',
  R: 'Ekspedert', // [I]
  T: 'Tilbakekalt',
  F: 'Utløpt', // [I]
};
export const RECALL_DISPLAY: Record<RecallReason, string> = {
  '1': 'Fornying',
  '2': 'Seponering',
  '3': 'Fornying med endring',
  '4': 'Annen',
};
export const TYPE_DISPLAY: Record<'E' | 'P' | 'U', string> = { E: 'Eresept', P: 'Papirresept', U: 'Uten resept' };
export const REGISTRATION_TYPE = { substance: '1', brand: '2', package: '3' } as const;
export const REGISTRATION_DISPLAY = { '1': 'Legemiddelvirkestoff', '2': 'Legemiddelmerkevare', '3': 'Legemiddelpakning' } as const;

/** 8325 Tidsområde: 1 Morgen, 3 Midt på dagen, 5 Kveld seen in EX; 6 Natt [I]. */
export const TIME_RANGE: Record<TimeOfDay, { code: string; display: string }> = {
  morning: { code: '1', display: 'Morgen' },
  midday: { code: '3', display: 'Midt på dagen' },
  evening: { code: '5', display: 'Kveld' },
  night: { code: '6', display: 'Natt' },
};

export const PERFORMER_ROLE = { prescribedBy: '1', discontinuedBy: '3' } as const;
