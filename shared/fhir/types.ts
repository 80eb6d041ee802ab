// Minimal FHIR R4 JSON shapes for what Samstem writes. Deliberately loose (no @medplum/fhirtypes at
// runtime or in types): shared/ must stay light for the browser bundle, and readers take `unknown`
// anyway and check every element they use.

export interface FhirCoding {
  system?: string;
  code?: string;
  display?: string;
}

export interface FhirCodeableConcept {
  coding?: FhirCoding[];
  text?: string;
}

export interface FhirIdentifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: FhirCodeableConcept;
  system?: string;
  value?: string;
}

export interface FhirReference {
  reference?: string;
  type?: string;
  identifier?: FhirIdentifier;
  display?: string;
}

export interface FhirQuantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface FhirRatio {
  numerator?: FhirQuantity;
  denominator?: FhirQuantity;
}

/** An extension: a value[x] (only the kinds we use) or nested extensions. */
export interface FhirExtension {
  url: string;
  extension?: FhirExtension[];
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueDecimal?: number;
  valueDate?: string;
  valueDateTime?: string;
  valueTime?: string;
  valueCode?: string;
  valueQuantity?: FhirQuantity;
  valueCodeableConcept?: FhirCodeableConcept;
  valueCoding?: FhirCoding;
  valueReference?: FhirReference;
  valueIdentifier?: FhirIdentifier;
}

export interface FhirMeta {
  profile?: string[];
  lastUpdated?: string;
  source?: string;
}

/** Any resource: the writers build concrete objects, typed loosely on purpose. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: FhirMeta;
  [element: string]: unknown;
}

export interface FhirBundleEntry {
  fullUrl?: string;
  resource: FhirResource;
}

export interface FhirBundle extends FhirResource {
  resourceType: 'Bundle';
  type: 'document' | 'collection' | 'transaction' | 'batch' | 'searchset';
  timestamp?: string;
  identifier?: FhirIdentifier;
  entry: FhirBundleEntry[];
}

export interface FhirParameter {
  name: string;
  resource?: FhirResource;
  part?: FhirParameter[];
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueDateTime?: string;
  valueCode?: string;
  valueCoding?: FhirCoding;
  valueCodeableConcept?: FhirCodeableConcept;
  valueIdentifier?: FhirIdentifier;
}

export interface FhirParameters {
  resourceType: 'Parameters';
  id?: string;
  parameter: FhirParameter[];
}

export interface FhirOperationOutcome {
  resourceType: 'OperationOutcome';
  issue: {
    severity: 'fatal' | 'error' | 'warning' | 'information';
    code: string;
    diagnostics?: string;
    expression?: string[];
  }[];
}
