// The CLI's two views of a reconciliation: JSON for machines, a plain table a GP can act on.
import type { Patient } from '../model';
import { norDate } from './dates';
import type { FindingKind, ReconcileResult, RowStatus, Severity, Source } from './types';
import { ROW_GROUPS } from './types';

export interface ReconcileJson {
  patient: Pick<Patient, 'identityNumber' | 'identityKind' | 'givenName' | 'familyName' | 'birthDate'> & { multidose?: boolean };
  rows: {
    id: string;
    status: RowStatus;
    group: string;
    atc: string | null;
    name: string;
    reseptIds: string[];
    libId: string | null;
    sources: Source[];
    weakMatch: boolean;
    differences: { field: string; label: string; local: string; national: string }[];
  }[];
  findings: { id: string; kind: FindingKind; severity: Severity; atc: string[]; rows: string[]; message: string }[];
}

export function reconcileToJson(result: ReconcileResult): ReconcileJson {
  const p = result.patient;
  return {
    patient: {
      identityNumber: p.identityNumber,
      identityKind: p.identityKind,
      givenName: p.givenName,
      familyName: p.familyName,
      birthDate: p.birthDate,
      ...(p.multidose ? { multidose: true } : {}),
    },
    rows: result.rows.map((r) => ({
      id: r.id,
      status: r.status,
      group: r.group,
      atc: r.atc ?? null,
      name: r.name,
      reseptIds: r.reseptIds,
      libId: r.libId ?? null,
      sources: r.sources,
      weakMatch: r.weakMatch,
      differences: r.differences.map((d) => ({ field: d.field, label: d.label, local: d.local, national: d.national })),
    })),
    findings: result.findings.map((f) => ({ id: f.id, kind: f.kind, severity: f.severity, atc: f.atc, rows: f.rows, message: f.message })),
  };
}

const GROUP_TITLE: Record<string, string> = {
  changed: 'ENDRET – ta stilling',
  'only-one-source': 'BARE I ÉN KILDE – ta stilling',
  same: 'LIKT',
};
const SEVERITY_TITLE: Record<Severity, string> = { high: 'HØY', medium: 'MIDDELS', low: 'LAV', info: 'INFO' };
const SOURCE_SHORT: Record<Source, string> = { local: 'Lokal', pll: 'PLL', prescription: 'Resept', dispensing: 'Utlevert' };

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n - 1) + '…' : s + ' '.repeat(n - s.length);
}

/** A readable report: warnings first, then rows grouped as changed / only one source / same. */
export function reconcileToText(result: ReconcileResult): string {
  const p = result.patient;
  const lines: string[] = [];
  lines.push(`Legemiddelsamstemming: ${p.givenName} ${p.familyName} (${p.identityNumber}), født ${norDate(p.birthDate)}${p.multidose ? ' – MULTIDOSE' : ''}`);
  lines.push(`Data fra Reseptformidleren: ${result.rfFetchedAt ? result.rfFetchedAt.replace('T', ' ').slice(0, 16) : 'ukjent tidspunkt'}; Kjernejournal: ${result.kjFetchedAt ? result.kjFetchedAt.replace('T', ' ').slice(0, 16) : 'ukjent tidspunkt'}`);
  for (const n of result.notes) lines.push(`Merk: ${n}`);
  lines.push('');
  if (result.findings.length > 0) {
    lines.push(`VARSLER (${result.findings.length})`);
    for (const f of result.findings) {
      lines.push(`  [${SEVERITY_TITLE[f.severity]}] ${f.message}`);
      // FEST's condition for the interaction ("Gjelder ved simvastatindoser over 20 mg daglig").
      if (typeof f.details?.situation === 'string') lines.push(`      ${f.details.situation}`);
    }
  } else {
    lines.push('VARSLER: ingen');
  }
  for (const group of ROW_GROUPS) {
    const rows = result.rows.filter((r) => r.group === group);
    if (rows.length === 0) continue;
    lines.push('');
    lines.push(`${GROUP_TITLE[group]} (${rows.length})`);
    lines.push(`  ${pad('Legemiddel', 34)} ${pad('ATC', 8)} ${pad('Kilder', 28)} Status`);
    for (const r of rows) {
      lines.push(`  ${pad(r.name, 34)} ${pad(r.atc ?? '', 8)} ${pad(r.sources.map((s) => SOURCE_SHORT[s]).join('+'), 28)} ${r.label}${r.weakMatch ? ' (usikker kobling)' : ''}`);
      for (const d of r.differences) lines.push(`      ${d.label}: lokalt «${d.local}» – nasjonalt «${d.national}»`);
      for (const n of r.notes) lines.push(`      ${n}`);
    }
  }
  return lines.join('\n') + '\n';
}
