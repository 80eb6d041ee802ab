import { describe, expect, it } from 'vitest';
import { KithFormatError } from './errors';
import { readPasientExport, rfStatusFromText } from './pasientExport';
import { parseXml } from './xml';
import { HAVE_REFERENCE, SKIP_NOTE, ref, refText } from './referenceFiles.testutil';

const PATIENT_DATA = 'patient-odden/PatientData.xml';

describe.skipIf(!HAVE_REFERENCE)(`PatientData.xml of patient-odden (SFM-BASIS-API.md §4.2)${SKIP_NOTE}`, () => {
  const read = () => readPasientExport(ref(PATIENT_DATA), 'PatientData.xml');

  it('reads the patient from DemografiskInfo', () => {
    expect(read().patient).toEqual({
      identityNumber: '15069396949',
      identityKind: 'FNR',
      givenName: 'Magnar Daniel',
      familyName: 'Odden',
      birthDate: '1993-06-15',
      sex: 'male',
    });
  });

  it('6 treatments with the LibIds, ReseptIds, ATC codes, categories and RF status of the table', () => {
    const list = read().localList;
    expect(list.map((e) => [e.libId, e.reseptId, e.medicine.atc, e.category, e.rfStatus])).toEqual([
      ['ee4fc9a0-a368-49cd-8137-237b0229c791', '04098f18-4a68-4eae-917c-237b02d302bf', 'C10AA01', 'medicine', 'E'],
      ['dc1f7514-c911-4142-b71b-237b0252168d', 'de878b0f-29d6-48e8-b791-237b02d33c04', 'H03AA02', 'medicine', 'E'],
      ['5f4fb026-3002-4559-aed0-237b02968a51', '5c7a8ec0-cf0a-49c5-a1d6-237b02d357aa', 'C01BD01', 'medicine', 'E'],
      ['64487991-9103-408e-a08c-237b02aaef69', '9e3eecea-3959-4b2f-b551-237b02d35b38', undefined, 'nutrition', 'E'],
      ['8e961ee6-43ba-4514-9872-237b02b2e99c', 'f3e3693b-45f8-4fb0-ba9a-237b02d3631e', undefined, 'consumable', 'E'],
      ['f089cd7e-d790-44ef-aab1-237b02c77c85', 'c922abe2-2db5-47d5-9e91-237b02d3a0bb', 'J07AN01', 'vaccine', 'E'],
    ]);
    expect(list.every((e) => e.id === e.libId && e.patientId === '15069396949')).toBe(true);
    expect(list.every((e) => e.startedOn === '2024-01-05' && e.expiresOn === '2025-01-04')).toBe(true);
    expect(list.every((e) => e.previousReseptIds === undefined)).toBe(true); // no renewals in this export
  });

  it('uses the active version (ItemSource Rf, created right after the 13:20:41 M9.6)', () => {
    const simva = read().localList[0];
    expect(simva?.updatedAt).toBe('2024-01-05T13:20:42.047');
    expect(simva).toMatchObject({
      medicine: { name: 'Simvastatin Tab 10 mg', kind: 'substance' },
      dosage: { text: '2 tabletter kveld', shortCode: '0+0+0+2', doses: [{ time: 'evening', amount: 2, unit: 'tablett' }] },
      use: '1',
      purpose: 'KOLESTEROLSENKENDE',
      prescriber: { name: 'Knut Pettersen', hpr: '002127296' },
      itemGroup: 'L',
    });
  });

  it('Cordarone is discontinued 2024-01-10 with reason A; no other treatment is', () => {
    const list = read().localList;
    const cordarone = list.find((e) => e.medicine.atc === 'C01BD01');
    expect(cordarone?.medicine).toMatchObject({ name: 'Cordarone Tab 100 mg', kind: 'brand', festId: 'ID_D25C1F5C-A0F8-4D74-80D5-05E4C2BD5927' });
    expect(cordarone?.discontinued).toEqual({ at: '2024-01-10T00:00:00', reason: 'A' });
    expect(list.filter((e) => e.discontinued)).toHaveLength(1);
  });

  it('NIB and FIB are handelsvare (item group A, kind other); BCG is Bruk 4', () => {
    const list = read().localList;
    expect(list[3]).toMatchObject({ itemGroup: 'A', medicine: { kind: 'other', name: 'Næringsmidler ved Fenylketonuri (Føllings sykdom)' } });
    expect(list[4]).toMatchObject({ itemGroup: 'A', medicine: { kind: 'other', name: 'Forbruksmateriell til blødere' } });
    expect(list[5]).toMatchObject({ use: '4', medicine: { kind: 'package', festId: '018399' } });
  });

  it('CAVE Alfaksalon: Blodtrykksfall, critical, likely, local', () => {
    expect(read().criticalInfo).toEqual([
      {
        id: '640a60f7-3b90-4d09-abcb-239523776c2d',
        kind: 'reaction',
        agent: 'Alfaksalon',
        substance: 'Alfaksalon',
        reaction: 'Blodtrykksfall',
        severity: 'critical',
        certainty: 'likely',
        registeredAt: '2024-01-18',
        registeredBy: 'Rolf Fos Lillehagen',
        source: 'local',
      },
    ]);
  });

  it('lists the 28 messages of the log with their files', () => {
    const msgs = read().messages;
    expect(msgs).toHaveLength(28);
    expect(msgs[0]).toEqual({ msgId: '02a430ca-08ee-4e9c-9972-2c851c00387a', type: 'ERM912', genDate: '2024-01-18T09:34:30.79', file: '9af99220-9b53-4d63-a6dc-239522c236ff.xml' });
  });

  it('follows RefForrigePrescription back through a renewal chain (oldest first)', () => {
    // Build a renewal: a second prescription for the Simvastatin treatment that renews the first.
    const text = refText(PATIENT_DATA);
    const root = parseXml(text, 'PatientData.xml');
    const treatment = root.children.find((c) => c.name === 'Behandlinger')?.children[0];
    if (!treatment) throw new Error('no treatment');
    const versions = treatment.children.filter((c) => c.name === 'Prescription');
    const newer = structuredClone(versions[2]!);
    const set = (el: typeof newer, name: string, value: string) => {
      const c = el.children.find((x) => x.name === name);
      if (!c) throw new Error(name);
      c.text = value;
    };
    set(newer, 'PrescriptionId', 'renewed-prescription');
    set(newer, 'ReseptId', 'new-resept-id');
    newer.children.push({ name: 'RefForrigePrescription', ns: newer.ns, attrs: {}, children: [], text: '399b79da-5022-426c-87d0-237b0229884a', path: '' });
    for (const v of versions) v.children.find((c) => c.name === 'HeadOfHistory')!.text = 'false';
    treatment.children.splice(treatment.children.indexOf(versions[2]!) + 1, 0, newer);
    const entry = readPasientExport(root, 'PatientData.xml').localList[0];
    expect(entry?.reseptId).toBe('new-resept-id');
    expect(entry?.previousReseptIds).toEqual(['04098f18-4a68-4eae-917c-237b02d302bf']);
  });
});

describe('readPasientExport: refusals', () => {
  it('refuses a KITH message, pointing to the right reader', () => {
    expect(() => readPasientExport('<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"/>', 'm.xml')).toThrow(/^m\.xml: root element is MsgHead, expected PasientExport \(this is a KITH message/);
  });

  it('refuses a PasientExport in another namespace', () => {
    expect(() => readPasientExport('<PasientExport xmlns="urn:x"><Id>1</Id></PasientExport>', 'p.xml')).toThrow(KithFormatError);
  });

  it('names a missing DemografiskInfo', () => {
    const xml = '<PasientExport xmlns="http://www.kith.no/xmlstds/eresept/forskrivningsmodul/export/2019-11-13"><Id>1</Id></PasientExport>';
    expect(() => readPasientExport(xml, 'p.xml')).toThrow('p.xml: missing required element PasientExport/DemografiskInfo');
  });
});

describe('rfStatusFromText', () => {
  const el = parseXml('<RfStatus/>');
  it.each([
    ['Ekspederbar', 'E'],
    ['e-resept not in RF', 'not-in-rf'],
    ['Tilbakekalt', 'T'],
    ['Under ekspedering', 'U'],
    ['E', 'E'],
  ])('%s → %s', (text, code) => {
    expect(rfStatusFromText(text, el)).toBe(code);
  });
  it('refuses an unknown text', () => {
    expect(() => rfStatusFromText('Kanskje', el, 'p.xml')).toThrow(/unknown RfStatus "Kanskje"/);
  });
});
