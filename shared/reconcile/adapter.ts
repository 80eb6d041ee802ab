// Adapts the FEST module's catalogue (shared/fest) to the SafetyCatalogue the engine consumes.
import { createCatalogueLookup, isNotAssessed } from '../fest/catalogue';
import type { FestCatalogue } from '../fest/types';
import type { SafetyCatalogue } from './types';

export function safetyCatalogueFromFest(fest: FestCatalogue | null | undefined): SafetyCatalogue | null {
  if (!fest) return null;
  const lookup = createCatalogueLookup(fest);
  return {
    meta: fest.meta,
    interactions: fest.interactions,
    productById: (id) => lookup.productById(id) ?? lookup.productByVarenr(id),
    substancesOfAtc: (atc) => {
      // Only a full (level 5) code names one substance (or one fixed combination).
      if (atc.trim().length < 7) return [];
      return [...new Set(lookup.productsByAtc(atc).filter((p) => p.atc.toUpperCase() === atc.toUpperCase()).flatMap((p) => p.substances.map((s) => s.toLowerCase())))];
    },
    notAssessed: (atc) => isNotAssessed(fest, atc),
  };
}
