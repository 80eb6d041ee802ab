// The FEST catalogue as the app holds it: plain records from shared/model.ts plus the few facts
// the reader learns on the way (which level a product is, what was skipped and why).
import type {
  CatalogueInteraction,
  CatalogueMeta,
  CataloguePackage,
  CatalogueProduct,
  CatalogueSubstance,
} from '../model';

/**
 * A product row. `kind` tells a brand (LegemiddelMerkevare, prescribed by name) from a generic
 * (LegemiddelVirkestoff, prescribed by substance); both carry FEST's payload Id.
 */
export interface FestProduct extends CatalogueProduct {
  kind: 'brand' | 'generic';
  /** For a generic: the brands it covers (RefLegemiddelMerkevare). */
  brandIds?: string[];
}

export interface FestCatalogue {
  meta: CatalogueMeta;
  products: FestProduct[];
  packages: CataloguePackage[];
  substances: CatalogueSubstance[];
  interactions: CatalogueInteraction[];
  /**
   * ATC codes DMP has not assessed for interactions (InteraksjonIkkeVurdert). An empty
   * interaction result for these means "not assessed", never "no interactions".
   */
  notAssessedAtc: string[];
  /** Entries left out, counted by reason (e.g. status other than A "Aktiv oppføring"). */
  skipped: Record<string, number>;
}

/** Bad, truncated or non-FEST input. `line`/`column` are 1-based where the problem was seen. */
export class FestFormatError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly source: string | undefined;
  constructor(message: string, where?: { line?: number; column?: number; source?: string }) {
    const at =
      where?.line !== undefined
        ? ` (${where.source ? `${where.source}, ` : ''}linje ${where.line}, kolonne ${where.column ?? '?'})`
        : where?.source
          ? ` (${where.source})`
          : '';
    super(`Ugyldig FEST-fil: ${message}${at}`);
    this.name = 'FestFormatError';
    this.line = where?.line;
    this.column = where?.column;
    this.source = where?.source;
  }
}
