// Checks a send plan against the read it relates to: the rules RF enforces for `$sendMedication`
// (read before write, every current PLL entry back, one active entry per ReseptId, unique and
// unchanged LibIds, no recall of a prescription that is being dispensed). The broker can reuse it.
import type { MedicationRead, PllEntry, Prescription } from '../model';
import { daysBetween, isoDateOf, isStopped, norDate } from './dates';
import type { Blocker, SendPlan } from './plan';
import { DISCONTINUED_RETENTION_DAYS } from './reconcile';

/** The last `$getMedication` must be at most this old when sending. */
export const MAX_READ_AGE_HOURS = 4;

export function validatePlan(read: MedicationRead, plan: SendPlan, now: Date): Blocker[] {
  const out: Blocker[] = [];
  const block = (code: Blocker['code'], message: string) => out.push({ code, message });
  const today = isoDateOf(now);

  if (!read.rfFetchedAt) {
    block('read-missing-time', 'Tidspunktet for siste henting fra Reseptformidleren er ukjent. Hent legemiddelopplysningene på nytt før sending.');
  } else {
    const hours = (now.getTime() - Date.parse(read.rfFetchedAt)) / 3_600_000;
    if (hours > MAX_READ_AGE_HOURS) {
      block('read-too-old', `Siste henting fra Reseptformidleren er ${Math.floor(hours)} timer gammel (mer enn ${MAX_READ_AGE_HOURS} timer). Hent på nytt og kontroller endringene før sending.`);
    }
  }
  if (read.errors.some((e) => e.source === 'RF' || e.source === 'PLL')) {
    block('read-errors', 'Siste henting fra Reseptformidleren var ufullstendig (feil fra RF/PLL). Hent på nytt før sending.');
  }
  if (plan.readId !== read.readId) block('read-too-old', 'Planen gjelder en annen henting enn den siste. Avstem på nytt.');
  if (!plan.sender.hpr) block('sender-without-hpr', 'Avsender mangler HPR-nummer. Bare helsepersonell med HPR-nummer kan sende.');

  const rxById = new Map(read.prescriptions.map((p) => [p.reseptId, p]));
  const newById = new Map(plan.newPrescriptions.map((p) => [p.reseptId, p]));
  for (const r of plan.recalls) {
    const p = rxById.get(r.reseptId);
    if (!p) block('recall-unknown', `Resepten ${r.reseptId} som skal tilbakekalles, finnes ikke i siste henting.`);
    else if (p.status === 'U') block('recall-locked', `Resepten på ${p.medicine.name} er under ekspedering${p.dispenserName ? ` på ${p.dispenserName}` : ''} og kan ikke tilbakekalles nå.`);
    else if (p.status !== 'E' || p.recall) block('recall-not-valid', `Resepten på ${p.medicine.name} er ikke ekspederbar (status ${p.status}) og kan ikke tilbakekalles.`);
  }

  if (plan.pll) {
    const planned = new Map<string, (typeof plan.pll)[number]>();
    for (const e of plan.pll) {
      if (planned.has(e.libId)) block('duplicate-lib-id', `LibId ${e.libId} står to ganger i den nye legemiddellisten.`);
      planned.set(e.libId, e);
    }
    for (const e of read.pll) {
      const after = planned.get(e.libId);
      if (after) {
        if (e.reseptId && after.reseptId && after.reseptId !== e.reseptId && !newById.has(after.reseptId) && !rxById.has(after.reseptId)) {
          block('lib-id-changed', `PLL-oppføringen for ${e.medicine.name} viser til en ukjent resept.`);
        }
        continue;
      }
      // A planned stop (date after today) is a current entry and must come back like one.
      if (isStopped(e.discontinued, today) && e.discontinued) {
        const days = daysBetween(e.discontinued.at, today);
        if (days <= DISCONTINUED_RETENTION_DAYS) {
          block('discontinued-dropped-early', `${e.medicine.name} ble seponert ${norDate(e.discontinued.at)} og må stå i legemiddellisten i ${DISCONTINUED_RETENTION_DAYS} dager (til ${norDate(new Date(Date.parse(e.discontinued.at.slice(0, 10)) + DISCONTINUED_RETENTION_DAYS * 86_400_000).toISOString())}).`);
        }
      } else {
        block('entry-missing', `${e.medicine.name} (LibId ${e.libId}) fra siste henting mangler i den nye legemiddellisten. Alle gjeldende oppføringer må sendes tilbake.`);
      }
    }
    const activeByResept = new Map<string, number>();
    for (const e of plan.pll) if (!isStopped(e.discontinued, today) && e.reseptId) activeByResept.set(e.reseptId, (activeByResept.get(e.reseptId) ?? 0) + 1);
    for (const [id, n] of activeByResept) if (n > 1) block('duplicate-resept-id', `Resept ${id} står i ${n} aktive oppføringer i legemiddellisten; den kan bare stå i én.`);
    for (const e of plan.pll) {
      const p = e.reseptId ? newById.get(e.reseptId) : undefined;
      if (!p) continue;
      if (!sameM1Content(p, e)) {
        block('pll-prescription-mismatch', `Resepten og PLL-oppføringen for ${p.medicine.name} har ulikt innhold; de må være like.`);
      }
    }
  }
  return out;
}

/** "The prescription content in M1 and in the PLL entry must be identical." */
function sameM1Content(p: Prescription, e: PllEntry): boolean {
  return (
    p.use === e.use &&
    (p.purpose ?? '') === (e.purpose ?? '') &&
    p.expiresOn === e.expiresOn &&
    stableJson(p.medicine) === stableJson(e.medicine) &&
    stableJson(p.dosage) === stableJson(e.dosage) &&
    (p.prescriber?.hpr ?? p.prescriber?.name) === (e.prescriber?.hpr ?? e.prescriber?.name)
  );
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}
