// Safety findings over the reconciled rows: interactions (FEST), allergies/CAVE, duplicate
// therapy, expiring prescriptions for continuing treatment, and the state of the catalogue.
import type { CatalogueInteraction, CriticalInfo } from '../model';
import { daysBetween, isoDateOf, norDate } from './dates';
import { stableHash } from './hash';
import { cmp } from './match';
import type { Finding, ReconcileRow, SafetyCatalogue, Severity } from './types';
import { SEVERITY_ORDER } from './types';

/** A FEST extract older than this many days is out of date (FEST publishes a full extract twice a month). */
export const CATALOGUE_MAX_AGE_DAYS = 35;
/** A medicine seen only as a KJ dispensing counts as "in use" for the safety checks this long. */
export const RECENT_DISPENSING_DAYS = 90;
const SOON_DAYS = 30;

/**
 * CAVE words without an ATC code, mapped to the ATC class they name. Kept small on purpose:
 * a KJ entry normally carries an ATC code or a substance; these are the common free-text ones.
 */
export const AGENT_ATC: Record<string, string> = {
  penicillin: 'J01C',
  penicilliner: 'J01C',
  'fenoksymetylpenicillin': 'J01CE02',
  'benzylpenicillin': 'J01CE01',
  amoksicillin: 'J01CA04',
  cefalosporin: 'J01D',
  cefalosporiner: 'J01D',
  sulfa: 'J01E',
  sulfonamid: 'J01E',
  sulfonamider: 'J01E',
  nsaid: 'M01A',
  nsaids: 'M01A',
  'acetylsalisylsyre': 'B01AC06',
  kodein: 'R05DA04',
  opioider: 'N02A',
};

/**
 * Rule for penicillins: every β-lactamase-sensitive, broad-spectrum, resistant and combined
 * penicillin (ATC J01C*: J01CA, J01CE, J01CF, J01CG, J01CR) shares the β-lactam/penicillin core
 * and is treated as cross-reacting with any other J01C — a penicillin CAVE (J01CE) is a high
 * finding for amoxicillin (J01CA). Cephalosporins (J01DB–J01DE) cross-react rarely: a low finding.
 * For other classes, a CAVE with a full ATC code (level 5) matches the same ATC level 4 class as
 * medium; a CAVE registered on a class code (shorter than 7 characters) matches the whole class as high.
 */
export function allergyMatch(ci: CriticalInfo, row: ReconcileRow): { severity: Severity; why: string } | null {
  const words = [ci.substance, ci.agent].filter((x): x is string => !!x).map((x) => x.trim().toLowerCase());
  const ciAtc = (ci.atc ?? words.map((w) => AGENT_ATC[w]).find((x) => !!x))?.toUpperCase();
  if (words.some((w) => row.substances.includes(w))) return { severity: 'high', why: 'samme virkestoff' };
  if (!ciAtc) return null;
  let best: { severity: Severity; why: string } | null = null;
  const consider = (m: { severity: Severity; why: string }) => {
    if (!best || SEVERITY_ORDER.indexOf(m.severity) < SEVERITY_ORDER.indexOf(best.severity)) best = m;
  };
  for (const atc of row.atcs) {
    if (ciAtc.length >= 7 && atc === ciAtc) consider({ severity: 'high', why: `samme virkestoff (ATC ${atc})` });
    else if (ciAtc.startsWith('J01C') && atc.startsWith('J01C')) consider({ severity: 'high', why: 'penicillin: kryssreaksjon innen penicillinene (ATC J01C)' });
    else if (ciAtc.length < 7 && atc.startsWith(ciAtc)) consider({ severity: 'high', why: `tilhører legemiddelgruppen (ATC ${ciAtc})` });
    else if (ciAtc.length >= 5 && atc.length >= 5 && atc.slice(0, 5) === ciAtc.slice(0, 5)) consider({ severity: 'medium', why: `samme legemiddelgruppe (ATC ${atc.slice(0, 5)})` });
    else if ((ciAtc.startsWith('J01C') && /^J01D[B-E]/.test(atc)) || (atc.startsWith('J01C') && /^J01D[B-E]/.test(ciAtc))) {
      consider({ severity: 'low', why: 'mulig kryssreaksjon mellom penicilliner og cefalosporiner' });
    }
  }
  return best;
}

function isInUse(row: ReconcileRow, today: string): boolean {
  if (row.status === 'dispensed-not-listed') return !!row.lastDispensedAt && daysBetween(row.lastDispensedAt, today) <= RECENT_DISPENSING_DAYS;
  return row.active;
}

/**
 * Rows by every prefix of their ATC codes (an interaction group's code covers every code below
 * it) and by substance name, so an interaction is checked with a few look-ups, not a scan.
 */
function indexRows(rows: ReconcileRow[]) {
  const byAtc = new Map<string, ReconcileRow[]>();
  const bySubstance = new Map<string, ReconcileRow[]>();
  const put = (m: Map<string, ReconcileRow[]>, k: string, r: ReconcileRow) => {
    const list = m.get(k);
    if (!list) m.set(k, [r]);
    else if (!list.includes(r)) list.push(r);
  };
  for (const r of rows) {
    for (const a of r.atcs) for (let n = 1; n <= a.length; n++) put(byAtc, a.slice(0, n), r);
    for (const sub of r.substances) put(bySubstance, sub, r);
  }
  return (g: { atc: string[]; substances: string[] }): ReconcileRow[] => {
    const out = new Set<ReconcileRow>();
    for (const code of g.atc) for (const r of byAtc.get(code.trim().toUpperCase()) ?? []) out.add(r);
    for (const sub of g.substances) for (const r of bySubstance.get(sub.trim().toLowerCase()) ?? []) out.add(r);
    return [...out];
  };
}

const RELEVANCE: Record<'avoid' | 'precautions', { severity: Severity; label: string }> = {
  avoid: { severity: 'high', label: 'Bør unngås' },
  precautions: { severity: 'medium', label: 'Forholdsregler bør tas' },
};

export function computeFindings(rows: ReconcileRow[], critical: CriticalInfo[], catalogue: SafetyCatalogue | null, now: Date): Finding[] {
  const today = isoDateOf(now);
  const inUse = rows.filter((r) => isInUse(r, today));
  const out = new Map<string, Finding>();
  const add = (f: Omit<Finding, 'id'>, ...key: string[]) => {
    const id = `${f.kind}-${stableHash(f.kind, ...key)}`;
    if (!out.has(id)) out.set(id, { id, ...f, rows: [...f.rows].sort(), atc: [...new Set(f.atc)].sort() });
  };

  // Catalogue state: never a silent "checks not running".
  if (!catalogue || !catalogue.meta) {
    add({ kind: 'catalogue', severity: 'high', rows: [], atc: [], message: 'Legemiddelkatalogen (FEST) mangler: interaksjonskontrollen kjører ikke. Importer FEST.' }, 'missing');
  } else {
    const age = daysBetween(catalogue.meta.extractedAt, today);
    if (catalogue.interactions.length === 0) {
      add({ kind: 'catalogue', severity: 'high', rows: [], atc: [], message: 'FEST-katalogen har ingen interaksjoner: interaksjonskontrollen kjører ikke. Importer FEST på nytt.' }, 'no-interactions');
    }
    if (age > CATALOGUE_MAX_AGE_DAYS) {
      add(
        {
          kind: 'catalogue',
          severity: 'medium',
          rows: [],
          atc: [],
          message: `FEST-katalogen er ${age} dager gammel (hentet ${norDate(catalogue.meta.extractedAt)}): kontrollene kan mangle nye legemidler og interaksjoner. Oppdater FEST.`,
          details: { extractedAt: catalogue.meta.extractedAt, ageDays: age },
        },
        'stale',
      );
    }
  }

  // Medicines FEST has not assessed for interactions: say so, or "no interaction" would mislead.
  if (catalogue?.meta && catalogue.notAssessed) {
    for (const row of inUse) {
      if (!row.atc || !catalogue.notAssessed(row.atc)) continue;
      add(
        { kind: 'catalogue', severity: 'info', rows: [row.id], atc: [row.atc], message: `${row.name} (ATC ${row.atc}) er ikke vurdert for interaksjoner i FEST: ingen treff betyr ikke at det er trygt.` },
        'not-assessed',
        row.id,
      );
    }
  }

  // Interactions: each pair of rows in use that fall on two sides of one FEST interaction.
  const rowsOfGroup = indexRows(inUse);
  for (const ia of catalogue?.interactions ?? []) {
    if (ia.relevance === 'none') continue;
    interactionFindings(ia, rowsOfGroup, add);
  }

  // Allergy / CAVE.
  for (const ci of critical) {
    if (ci.kind !== 'allergy' && ci.kind !== 'reaction') continue;
    for (const row of inUse) {
      const m = allergyMatch(ci, row);
      if (!m) continue;
      add(
        {
          kind: 'allergy',
          severity: m.severity,
          rows: [row.id],
          atc: [...(row.atc ? [row.atc] : []), ...(ci.atc ? [ci.atc.toUpperCase()] : [])],
          message: `CAVE ${ci.agent}${ci.reaction ? ` (${ci.reaction})` : ''}: ${row.name} – ${m.why}.`,
          details: { criticalInfoId: ci.id, source: ci.source, ...(ci.severity ? { cavSeverity: ci.severity } : {}) },
        },
        ci.id,
        row.id,
      );
    }
  }

  // Duplicate therapy: same ATC level 5, or same (single) substance, in two rows in use.
  const dupRows = inUse.filter((r) => r.status !== 'dispensed-not-listed' && !r.nonPll);
  const seenSets = new Set<string>();
  const dupGroups: { key: string; label: string; rows: ReconcileRow[] }[] = [];
  const byAtc = new Map<string, ReconcileRow[]>();
  for (const r of dupRows) if (r.atc && r.atc.length === 7) byAtc.set(r.atc, [...(byAtc.get(r.atc) ?? []), r]);
  for (const [atc, list] of [...byAtc.entries()].sort((a, b) => cmp(a[0], b[0]))) if (list.length > 1) dupGroups.push({ key: `atc:${atc}`, label: `ATC ${atc}`, rows: list });
  const bySub = new Map<string, ReconcileRow[]>();
  for (const r of dupRows) for (const s of r.substances) bySub.set(s, [...(bySub.get(s) ?? []), r]);
  for (const [sub, list] of [...bySub.entries()].sort((a, b) => cmp(a[0], b[0]))) if (list.length > 1) dupGroups.push({ key: `sub:${sub}`, label: sub, rows: list });
  for (const g of dupGroups) {
    const ids = g.rows.map((r) => r.id).sort();
    const setKey = ids.join(',');
    if (seenSets.has(setKey)) continue;
    seenSets.add(setKey);
    const asNeeded = g.rows.some((r) => useOf(r) === '3') && !g.rows.every((r) => useOf(r) === '3');
    add(
      {
        kind: 'duplicate',
        severity: asNeeded ? 'low' : 'medium',
        rows: ids,
        atc: g.rows.map((r) => r.atc).filter((x): x is string => !!x),
        message: `Mulig dobbeltbehandling (${g.label}): ${g.rows.map((r) => r.name).sort().join(' og ')}${asNeeded ? ' (en er ved behov)' : ''}.`,
      },
      setKey,
    );
  }

  // Prescriptions for continuing treatment that have expired or expire within 30 days.
  for (const row of rows) {
    const continuing = row.items.local.some((l) => !l.discontinued) || row.items.pll.some((p) => !p.discontinued);
    // When one source says the treatment was stopped, the row's own status asks the question; do not urge renewal.
    if (!continuing || row.nonPll || !row.headReseptId || row.status === 'discontinued-in-pll-active-locally' || row.status === 'recalled-but-active-locally') continue;
    const head = row.items.prescriptions.find((p) => p.reseptId === row.headReseptId)!;
    if (head.status === 'T' || head.recall || head.use === '2') continue;
    const left = daysBetween(today, head.expiresOn);
    const expired = head.status === 'F' || head.status === 'R' || left < 0;
    if (expired) {
      add(
        {
          kind: 'expiry',
          severity: 'medium',
          rows: [row.id],
          atc: row.atc ? [row.atc] : [],
          message: head.status === 'R' ? `Resepten på ${row.name} er ferdig ekspedert, men behandlingen fortsetter: forny resepten.` : `Resepten på ${row.name} utløp ${norDate(head.expiresOn)}, men behandlingen fortsetter: forny resepten.`,
          details: { reseptId: head.reseptId, expiresOn: head.expiresOn },
        },
        row.id,
        head.reseptId,
        'expired',
      );
    } else if (left <= SOON_DAYS) {
      add(
        {
          kind: 'expiry',
          severity: 'low',
          rows: [row.id],
          atc: row.atc ? [row.atc] : [],
          message: `Resepten på ${row.name} utløper ${norDate(head.expiresOn)} (om ${left} dager).`,
          details: { reseptId: head.reseptId, expiresOn: head.expiresOn },
        },
        row.id,
        head.reseptId,
        'soon',
      );
    }
  }

  return [...out.values()].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || cmp(a.kind, b.kind) || cmp(a.message, b.message) || cmp(a.id, b.id),
  );
}

function useOf(row: ReconcileRow): string | undefined {
  return row.items.pll.find((p) => !p.discontinued)?.use ?? row.items.local.find((l) => !l.discontinued)?.use ?? row.items.prescriptions[row.items.prescriptions.length - 1]?.use;
}

function interactionFindings(
  ia: CatalogueInteraction,
  rowsOfGroup: (g: { atc: string[]; substances: string[] }) => ReconcileRow[],
  add: (f: Omit<Finding, 'id'>, ...key: string[]) => void,
) {
  const rel = RELEVANCE[ia.relevance as 'avoid' | 'precautions'];
  const sides = ia.substanceGroups.map(rowsOfGroup);
  if (sides.filter((x) => x.length > 0).length < 2) return;
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) {
      for (const a of sides[i]!) {
        for (const b of sides[j]!) {
          if (a.id === b.id) continue;
          const [x, y] = a.id < b.id ? [a, b] : [b, a];
          add(
            {
              kind: 'interaction',
              severity: rel.severity,
              rows: [x.id, y.id],
              atc: [...(x.atc ? [x.atc] : []), ...(y.atc ? [y.atc] : [])],
              message: `${rel.label}: ${x.name} + ${y.name}${ia.consequence ? ` – ${ia.consequence}` : ''}`,
              details: {
                interactionId: ia.id,
                ...(ia.situation ? { situation: ia.situation } : {}),
                ...(ia.mechanism ? { mechanism: ia.mechanism } : {}),
                ...(ia.handling ? { handling: ia.handling } : {}),
              },
            },
            ia.id,
            x.id,
            y.id,
          );
        }
      }
    }
  }
}
