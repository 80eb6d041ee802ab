// Safety findings over the reconciled rows: interactions (FEST), allergies/CAVE, duplicate
// therapy, expiring prescriptions for continuing treatment, and the state of the catalogue.
import type { CatalogueInteraction, CriticalInfo } from '../model';
import { addDays, daysBetween, isoDateOf, isStopped, norDate } from './dates';
import { classLabel, intendedCombination, isLocalActing, localSiteOf, therapeuticClassOf } from './drugclass';
import { stableHash } from './hash';
import { cmp } from './match';
import type { Finding, OtherDrugDispensing, ReconcileRow, SafetyCatalogue, Severity } from './types';
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
export function allergyMatch(ci: CriticalInfo, row: Pick<ReconcileRow, 'substances' | 'atcs'>): { severity: Severity; why: string } | null {
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
 * What the checks look at: each row in use with its own drug, plus each drug KJ dispensed on a
 * row's prescription that is not the prescribed drug (`otherDrugDispensings`) while it may still
 * be in use. Findings name the subject's drug and point at its row.
 */
interface Subject {
  /** Unique: the row id, or `<row id>|disp:<ATC or name>` for another drug dispensed on the row. */
  key: string;
  row: ReconcileRow;
  name: string;
  atc?: string;
  atcs: string[];
  substances: string[];
  form?: string;
  use?: string;
  /** Set for another drug dispensed on the row's prescription. */
  dispensedAt?: string;
}

function subjectsOf(rows: ReconcileRow[], today: string): Subject[] {
  const out: Subject[] = [];
  for (const row of rows) {
    if (isInUse(row, today)) {
      const form = formOf(row, today);
      const use = useOf(row, today);
      out.push({ key: row.id, row, name: row.name, ...(row.atc ? { atc: row.atc } : {}), atcs: row.atcs, substances: row.substances, ...(form ? { form } : {}), ...(use ? { use } : {}) });
    }
    // Another drug dispensed on the prescription counts on its own while it may be in use,
    // whatever the prescription's state (the patient has the medicine at home).
    const byDrug = new Map<string, OtherDrugDispensing>();
    for (const d of row.otherDrugDispensings ?? []) {
      if (!d.current) continue;
      const k = d.atc ?? d.name.toLowerCase();
      const prev = byDrug.get(k);
      if (!prev || prev.dispensedAt < d.dispensedAt) byDrug.set(k, d);
    }
    for (const [k, d] of [...byDrug.entries()].sort((a, b) => cmp(a[0], b[0]))) {
      const disp = row.items.dispensings.find((x) => x.id === d.dispensingId);
      out.push({
        key: `${row.id}|disp:${k}`,
        row,
        name: d.name,
        ...(d.atc ? { atc: d.atc } : {}),
        atcs: d.atc ? [d.atc] : [],
        substances: d.substances,
        ...(disp?.medicine.form ? { form: disp.medicine.form } : {}),
        dispensedAt: d.dispensedAt,
      });
    }
  }
  return out;
}

/**
 * Subjects by every prefix of their ATC codes (an interaction group's code covers every code below
 * it) and by substance name, so an interaction is checked with a few look-ups, not a scan. Each hit
 * says how it matched: FEST's implementation guide joins on ATC codes; a substance name alone is
 * the fallback (substances without ATC, medicines without ATC).
 */
function indexSubjects(subjects: Subject[]) {
  const byAtc = new Map<string, Subject[]>();
  const bySubstance = new Map<string, Subject[]>();
  const put = (m: Map<string, Subject[]>, k: string, r: Subject) => {
    const list = m.get(k);
    if (!list) m.set(k, [r]);
    else if (!list.includes(r)) list.push(r);
  };
  for (const r of subjects) {
    for (const a of r.atcs) for (let n = 1; n <= a.length; n++) put(byAtc, a.slice(0, n), r);
    for (const sub of r.substances) put(bySubstance, sub, r);
  }
  return (g: { atc: string[]; substances: string[] }): Map<Subject, 'atc' | 'substance'> => {
    const out = new Map<Subject, 'atc' | 'substance'>();
    for (const code of g.atc) for (const r of byAtc.get(code.trim().toUpperCase()) ?? []) out.set(r, 'atc');
    for (const sub of g.substances) for (const r of bySubstance.get(sub.trim().toLowerCase()) ?? []) if (!out.has(r)) out.set(r, 'substance');
    return out;
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

  // Interactions: each pair of subjects that fall on two sides of one FEST interaction.
  const subjects = subjectsOf(rows, today);
  const subjectsOfGroup = indexSubjects(subjects);
  for (const ia of catalogue?.interactions ?? []) {
    if (ia.relevance === 'none') continue;
    interactionFindings(ia, subjectsOfGroup, add);
  }

  // Allergy / CAVE.
  for (const ci of critical) {
    if (ci.kind !== 'allergy' && ci.kind !== 'reaction') continue;
    for (const sub of subjects) {
      const m = allergyMatch(ci, sub);
      if (!m) continue;
      add(
        {
          kind: 'allergy',
          severity: m.severity,
          rows: [sub.row.id],
          atc: [...(sub.atc ? [sub.atc] : []), ...(ci.atc ? [ci.atc.toUpperCase()] : [])],
          message: `CAVE ${ci.agent}${ci.reaction ? ` (${ci.reaction})` : ''}: ${subjectName(sub)} – ${m.why}.`,
          details: { criticalInfoId: ci.id, source: ci.source, ...(ci.severity ? { cavSeverity: ci.severity } : {}) },
        },
        ci.id,
        sub.key,
      );
    }
  }

  duplicateFindings(subjects.filter((x) => x.row.status !== 'dispensed-not-listed' && !x.row.nonPll), add);

  // Another drug than the prescribed one dispensed on a row's prescription.
  for (const row of rows) {
    for (const d of row.otherDrugDispensings ?? []) {
      add(
        {
          kind: 'dispensing',
          severity: d.current ? 'medium' : 'info',
          rows: [row.id],
          atc: [...(row.atc ? [row.atc] : []), ...(d.atc ? [d.atc] : [])],
          message: d.current
            ? `Kjernejournal: ${d.name} ble utlevert ${norDate(d.dispensedAt)} på resepten for ${row.name} – et annet legemiddel enn forskrevet. Spør pasienten hva som brukes; ${d.name} er tatt med i kontrollene.`
            : `Kjernejournal: ${d.name} ble utlevert ${norDate(d.dispensedAt)} på resepten for ${row.name} – et annet legemiddel enn forskrevet. Utleveringen er over ${RECENT_DISPENSING_DAYS} dager gammel og teller ikke i kontrollene.`,
          details: { dispensingId: d.dispensingId, dispensedAt: d.dispensedAt, ...(row.headReseptId ? { reseptId: row.headReseptId } : {}) },
        },
        row.id,
        d.dispensingId,
      );
    }
  }

  // Prescriptions for continuing treatment that have expired or expire within 30 days.
  for (const row of rows) {
    const continuing = row.items.local.some((l) => !isStopped(l.discontinued, today)) || row.items.pll.some((p) => !isStopped(p.discontinued, today));
    // When one source says the treatment was stopped, the row's own status asks the question; do not urge renewal.
    if (!continuing || row.nonPll || !row.headReseptId || row.status === 'discontinued-in-pll-active-locally' || row.status === 'recalled-but-active-locally') continue;
    const head = row.items.prescriptions.find((p) => p.reseptId === row.headReseptId)!;
    if (head.status === 'T' || head.recall || head.use === '2') continue;
    const left = daysBetween(today, head.expiresOn);
    // A planned end of treatment on or before the day after expiry: the prescription lasts the treatment out.
    if (left >= 0 && row.plannedStopOn && row.plannedStopOn <= addDays(isoDateOf(head.expiresOn), 1)) continue;
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

function useOf(row: ReconcileRow, today: string): string | undefined {
  return row.items.pll.find((p) => !isStopped(p.discontinued, today))?.use ?? row.items.local.find((l) => !isStopped(l.discontinued, today))?.use ?? row.items.prescriptions[row.items.prescriptions.length - 1]?.use;
}

/** Name of a subject in a finding: another drug dispensed on a row says whose prescription it came on. */
function subjectName(s: Subject): string {
  return s.dispensedAt ? `${s.name} (utlevert ${norDate(s.dispensedAt)} på resepten for ${s.row.name})` : s.name;
}

function formOf(row: ReconcileRow, today: string): string | undefined {
  const m = row.items.pll.find((p) => !isStopped(p.discontinued, today))?.medicine ?? row.items.prescriptions[row.items.prescriptions.length - 1]?.medicine ?? row.items.local[0]?.medicine ?? row.items.dispensings[row.items.dispensings.length - 1]?.medicine;
  return m?.form;
}

/** A Situasjonskriterium that limits the interaction to systemic use ("Gjelder ved systemisk bruk", "Gjelder ikke ved lokal bruk"). */
const SYSTEMIC_ONLY = /systemisk|ikke (?:ved|for) (?:lokal|topikal|kutan)/i;

function interactionFindings(
  ia: CatalogueInteraction,
  subjectsOfGroup: (g: { atc: string[]; substances: string[] }) => Map<Subject, 'atc' | 'substance'>,
  add: (f: Omit<Finding, 'id'>, ...key: string[]) => void,
) {
  const rel = RELEVANCE[ia.relevance as 'avoid' | 'precautions'];
  const systemicOnly = !!ia.situation && SYSTEMIC_ONLY.test(ia.situation);
  const sides = ia.substanceGroups.map(subjectsOfGroup);
  if (sides.filter((x) => x.size > 0).length < 2) return;
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) {
      for (const [a, howA] of sides[i]!) {
        for (const [b, howB] of sides[j]!) {
          if (a.key === b.key) continue;
          const [x, y] = a.key < b.key ? [a, b] : [b, a];
          // FEST joins interactions on ATC codes, so an eye drop or a skin cream (ATC S01/S02/S03/D/M02A)
          // that only shares a substance name with FEST's systemic codes gets a low, explained finding.
          // FEST's own condition may say so too ("Gjelder ved systemisk bruk"): then even an ATC match is not this form.
          const local = [
            (howA === 'substance' || systemicOnly) && isLocalActing(a) ? a : undefined,
            (howB === 'substance' || systemicOnly) && isLocalActing(b) ? b : undefined,
          ].filter((s): s is Subject => !!s);
          const systemicCodes = [...new Set(ia.substanceGroups[local[0] === a ? i : j]!.atc)].sort().join(', ');
          const festSays = systemicOnly
            ? `FEST: «${ia.situation!.trim()}»`
            : systemicCodes
              ? `FEST oppgir interaksjonen for systemiske legemidler (ATC ${systemicCodes}), ikke for denne formen`
              : 'FEST oppgir interaksjonen for virkestoffet uten å nevne lokale former';
          const localText = local.length
            ? ` ${local.map((s) => s.name).join(' og ')} brukes ${localSiteOf(local[0]!)} og gir liten systemisk eksponering; ${festSays}. Vurder den likevel ved stor eller langvarig bruk.`
            : '';
          add(
            {
              kind: 'interaction',
              severity: local.length ? 'low' : rel.severity,
              rows: [...new Set([x.row.id, y.row.id])],
              atc: [...(x.atc ? [x.atc] : []), ...(y.atc ? [y.atc] : [])],
              message: `${local.length ? `Lokal bruk – FEST «${rel.label}» gjelder systemisk bruk` : rel.label}: ${subjectName(x)} + ${subjectName(y)}${ia.consequence ? ` – ${ia.consequence}` : ''}${localText}`,
              details: {
                interactionId: ia.id,
                ...(local.length ? { localUse: true, festSeverity: rel.severity } : {}),
                ...(ia.situation ? { situation: ia.situation } : {}),
                ...(ia.mechanism ? { mechanism: ia.mechanism } : {}),
                ...(ia.handling ? { handling: ia.handling } : {}),
              },
            },
            ia.id,
            x.key,
            y.key,
          );
        }
      }
    }
  }
}

/**
 * Duplicate therapy among the subjects: the same ATC level 5 or the same substance, and the same
 * therapeutic class (ATC level 4, or a broader class from BROAD_CLASSES) with two different
 * drugs. One finding per set of rows. Medium; low, with the reason, when one is "ved behov" and
 * the other fixed, or the combination is one clinicians use on purpose.
 */
function duplicateFindings(subjects: Subject[], add: (f: Omit<Finding, 'id'>, ...key: string[]) => void) {
  type Group = { key: string; label: string; members: Subject[]; classLevel: boolean };
  const groups: Group[] = [];
  const collect = (keyOf: (s: Subject) => string[], prefix: string, label: (k: string, members: Subject[]) => string, classLevel: boolean) => {
    const by = new Map<string, Subject[]>();
    for (const s of subjects) {
      for (const k of new Set(keyOf(s))) {
        const list = by.get(k);
        if (list) list.push(s);
        else by.set(k, [s]);
      }
    }
    for (const [k, members] of [...by.entries()].sort((a, b) => cmp(a[0], b[0]))) {
      if (new Set(members.map((m) => m.row.id)).size < 2) continue;
      groups.push({ key: `${prefix}:${k}`, label: label(k, members), members, classLevel });
    }
  };
  collect((s) => (s.atc && s.atc.length === 7 ? [s.atc] : []), 'atc', (k) => `ATC ${k}`, false);
  collect((s) => s.substances, 'sub', (k) => k, false);
  collect(
    (s) => {
      const c = s.atc && s.atc.length === 7 ? therapeuticClassOf(s.atc) : undefined;
      return c ? [c.key] : [];
    },
    'class',
    (k, members) => `samme legemiddelgruppe: ${classLabel(members.map((m) => m.atc!)) ?? k}`,
    true,
  );
  const seen = new Set<string>();
  for (const g of groups) {
    // A class group is only news when it holds two different drugs: one drug twice is the ATC/substance finding.
    if (g.classLevel && new Set(g.members.map((m) => m.atc)).size < 2) continue;
    const byRow = new Map<string, Subject>();
    for (const m of g.members) if (!byRow.has(m.row.id)) byRow.set(m.row.id, m);
    const members = [...byRow.values()].sort((a, b) => cmp(a.row.id, b.row.id));
    const ids = members.map((m) => m.row.id);
    const setKey = ids.join(',');
    if (seen.has(setKey)) continue;
    seen.add(setKey);
    const asNeeded = members.some((m) => m.use === '3') && !members.every((m) => m.use === '3');
    const intended = g.classLevel
      ? (intendedCombination(members) ??
        (members.every((m) => isLocalActing(m)) ? `begge er til lokal bruk (${localSiteOf(members[0]!)}) og kan gjelde ulike steder på kroppen` : null))
      : null;
    // The same substance in a tablet and in an eye drop or a gel is rarely a double dose.
    const local = members.filter((m) => isLocalActing(m));
    const mixed = local.length > 0 && local.length < members.length ? local : [];
    const names = members.map(subjectName).sort().join(' og ');
    const message = g.classLevel
      ? `Mulig dobbeltbehandling (${g.label}): ${names}.${intended ? ` Lav alvorlighet: ${intended}.` : asNeeded ? ' Lav alvorlighet: den ene er ved behov, og fast + ved behov i samme gruppe kan være tilsiktet.' : ''}`
      : `Mulig dobbeltbehandling (${g.label}): ${names}${asNeeded ? ' (en er ved behov)' : ''}${mixed.length ? ` (${mixed.map((m) => m.name).sort().join(' og ')} brukes ${localSiteOf(mixed[0]!)}, med liten systemisk eksponering)` : ''}.`;
    add(
      {
        kind: 'duplicate',
        severity: asNeeded || intended || mixed.length ? 'low' : 'medium',
        rows: ids,
        atc: members.map((m) => m.atc).filter((x): x is string => !!x),
        message,
        ...(g.classLevel ? { details: { group: g.key.slice('class:'.length) } } : {}),
      },
      setKey,
    );
  }
}
