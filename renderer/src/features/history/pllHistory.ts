// What changed between two PLL versions (diffPll). The History panel loads the versions from the
// broker (historyApi.ts).
import type { PllEntry } from '../../../../shared/model';

export interface PllEntryChange {
  libId: string;
  name: string;
  change: 'added' | 'removed' | 'discontinued' | 'changed';
  /** Field-level differences, Norwegian labels: [label, before, after]. */
  fields: [string, string, string][];
  by?: string;
}

/** What changed from one PLL version to the next, entry by entry (matched on LibId, which never changes). */
export function diffPll(before: PllEntry[], after: PllEntry[]): PllEntryChange[] {
  const old = new Map(before.map((e) => [e.libId, e]));
  const out: PllEntryChange[] = [];
  for (const e of after) {
    const o = old.get(e.libId);
    const by = e.discontinued?.by?.name ?? e.prescriber?.name;
    if (!o) {
      out.push({ libId: e.libId, name: e.medicine.name, change: 'added', fields: [['Dosering', '', e.dosage.text]], ...(by ? { by } : {}) });
      continue;
    }
    const fields: [string, string, string][] = [];
    if (o.medicine.name !== e.medicine.name) fields.push(['Legemiddel', o.medicine.name, e.medicine.name]);
    if (o.dosage.text !== e.dosage.text) fields.push(['Dosering', o.dosage.text, e.dosage.text]);
    if ((o.reseptId ?? '') !== (e.reseptId ?? '')) fields.push(['Resept', o.reseptId ? 'tidligere resept' : 'uten resept', e.reseptId ? 'ny resept' : 'uten resept']);
    if ((o.expiresOn ?? '') !== (e.expiresOn ?? '')) fields.push(['Utløpsdato', o.expiresOn ?? '', e.expiresOn ?? '']);
    if (e.discontinued && !o.discontinued) {
      out.push({ libId: e.libId, name: e.medicine.name, change: 'discontinued', fields: [['Seponert', '', e.discontinued.reason ?? ''], ...fields], ...(by ? { by } : {}) });
    } else if (fields.length > 0 || o.lastChanged !== e.lastChanged) {
      out.push({ libId: e.libId, name: e.medicine.name, change: 'changed', fields, ...(by ? { by } : {}) });
    }
  }
  const now = new Set(after.map((e) => e.libId));
  for (const o of before) if (!now.has(o.libId)) out.push({ libId: o.libId, name: o.medicine.name, change: 'removed', fields: [] });
  return out;
}
