import { describe, expect, it } from 'vitest';
import type { LocalListEntry } from '../../../../shared/model';
import { printSchedule } from './printList';

const entry = (over: Partial<LocalListEntry> & { id: string; name: string }): LocalListEntry => ({
  patientId: 'p',
  medicine: { name: over.name, kind: 'brand' },
  dosage: { text: '' },
  use: '1',
  updatedAt: '2026-11-26T08:00:00Z',
  ...over,
});

describe('the printed list by time of day', () => {
  it('puts each dose under its time of day, as-needed apart, and leaves out stopped medicines', () => {
    const s = printSchedule([
      entry({ id: '1', name: 'Selo-Zok depottab 50 mg', dosage: { text: '1 tablett morgen og kveld', doses: [{ time: 'morning', amount: 1, unit: 'tablett' }, { time: 'evening', amount: 1, unit: 'tablett' }] } }),
      entry({ id: '2', name: 'Paracet tab 500 mg', use: '3', dosage: { text: '1–2 tabletter ved behov, høyst 8 per døgn', maxPerDay: 8 } }),
      entry({ id: '3', name: 'Ibux tab 400 mg', dosage: { text: '1 tablett morgen', doses: [{ time: 'morning', amount: 1, unit: 'tablett' }] }, discontinued: { at: '2026-11-26T08:00:00Z', reason: 'I' } }),
      entry({ id: '4', name: 'Sobril tab 10 mg', dosage: { text: 'Etter avtale' } }),
    ], new Date('2026-11-26T12:00:00Z'));
    expect(s.slots.morning.map((l) => [l.name, l.dose])).toEqual([['Selo-Zok depottab 50 mg', '1 tablett']]);
    expect(s.slots.evening.map((l) => l.name)).toEqual(['Selo-Zok depottab 50 mg']);
    expect(s.slots.midday).toEqual([]);
    expect(s.slots.asNeeded.map((l) => [l.name, l.dose])).toEqual([['Paracet tab 500 mg', '1–2 tabletter ved behov, høyst 8 per døgn']]);
    expect(s.slots.asNeeded[0]!.note).toBeUndefined(); // the text says "høyst 8" already
    expect(s.slots.unscheduled.map((l) => l.name)).toEqual(['Sobril tab 10 mg']);
    expect(s.all.map((a) => a.name)).toEqual(['Paracet tab 500 mg', 'Selo-Zok depottab 50 mg', 'Sobril tab 10 mg']);
  });

  it('prints a medicine whose stop is planned for a later day, and leaves it out from that day', () => {
    const list = [entry({ id: '1', name: 'Amoxicillin kaps 500 mg', dosage: { text: '1 kapsel morgen', doses: [{ time: 'morning', amount: 1, unit: 'kapsel' }] }, discontinued: { at: '2026-11-29', reason: 'A' } })];
    expect(printSchedule(list, new Date('2026-11-28T12:00:00Z')).slots.morning.map((l) => l.name)).toEqual(['Amoxicillin kaps 500 mg']);
    expect(printSchedule(list, new Date('2026-11-29T06:00:00Z')).slots.morning).toEqual([]);
  });
});
