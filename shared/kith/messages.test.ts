import { describe, expect, it } from 'vitest';
import { KithFormatError } from './errors';
import { readKithMessage, type KithMessage, type RequestMessage } from './messages';
import { readMsgHead } from './msgHead';
import { readKithFolder } from './folder';
import { HAVE_REFERENCE, SKIP_NOTE, allRefXml, ref, refText, refXmlFiles, sample } from './referenceFiles.testutil';
import { readPasientExport } from './pasientExport';
import { parseXml } from './xml';

function read(relative: string): KithMessage {
  return readKithMessage(ref(relative), relative.split('/').pop());
}
type Of<T> = T extends RequestMessage['type'] ? RequestMessage : Extract<KithMessage, { type: T }>;
function as<T extends KithMessage['type']>(m: KithMessage, type: T): Of<T> {
  expect(m.type).toBe(type);
  return m as Of<T>;
}

const ODDEN = 'patient-odden';
const LATEST_M96 = `${ODDEN}/6913a599-d654-4ed1-9be9-239522c4db73.xml`;
const LATEST_M912 = `${ODDEN}/9af99220-9b53-4d63-a6dc-239522c236ff.xml`;
const M1 = {
  simvastatin: `${ODDEN}/5563ac3e-79fd-4128-a8c7-237b0336772d.xml`,
  liothyronin: `${ODDEN}/73b57ce4-ab1d-43a8-bce3-237b03396430.xml`,
  cordarone: `${ODDEN}/7fd25239-f81d-406f-b50e-237b033c6bb3.xml`,
  bcg: `${ODDEN}/6c732c40-13a2-41bf-9118-237b0345890a.xml`,
  fib: `${ODDEN}/3bb5f8e6-fdef-4110-9121-237b034283d9.xml`,
  nib: `${ODDEN}/9ec4c617-91dc-4baf-8f86-237b033f7877.xml`,
};

describe.skipIf(!HAVE_REFERENCE)(`real KITH messages from SFM.tools${SKIP_NOTE}`, () => {
  const all = [...refXmlFiles(ODDEN).filter((f) => !f.endsWith('PatientData.xml')), ...refXmlFiles('message-samples')];

  it('finds the 28 patient-odden messages and 10 samples', () => {
    expect(all).toHaveLength(38);
  });

  it.each(all)('reads %s without error, as bytes and as text, with the type its header states', (f) => {
    const fromBytes = read(f);
    const fromText = readKithMessage(refText(f), f.split('/').pop());
    expect(fromText).toEqual(fromBytes);
    const declared = /V="(ERM\d+|APPREC)"/.exec(refText(f))?.[1] ?? (/<AppRec/.test(refText(f)) ? 'APPREC' : '?');
    expect(fromBytes.type).toBe(declared);
  });

  it('every .xml under sfm-tools/ reads without error (messages with readKithMessage, the export with readPasientExport)', () => {
    const files = allRefXml();
    expect(files.length).toBeGreaterThanOrEqual(39);
    for (const f of files) {
      const name = f.split('/').pop() as string;
      const root = parseXml(ref(f), name);
      if (root.name === 'PasientExport') expect(readPasientExport(root, name).localList.length).toBeGreaterThan(0);
      else expect(readKithMessage(root, name).type).not.toBe('other');
    }
  });

  it('readMsgHead: the latest M9.6 envelope (sender, receiver, parent, attachments)', () => {
    const head = readMsgHead(ref(LATEST_M96), 'm96.xml');
    expect(head).toMatchObject({
      msgId: '78c303d3-4d43-4fea-990a-68625ebd8999',
      type: 'ERM96',
      genDate: '2024-01-18T09:34:32.495+01:00',
      refToParent: '35155ed5-fa7f-4c39-bef6-239522ae0202',
      sender: { organisationName: 'Reseptformidleren', herId: '80624', orgNumber: '994598759' },
      receiver: { organisationName: 'Varacet Testlegekontor', herId: '8139412', person: { name: 'Rolf Fos Lillehagen', hpr: '222200063' } },
    });
    expect(head.patientId).toBeUndefined();
    expect(head.contents.map((c) => c.name)).toEqual(['M96']);
    expect(head.attachments).toHaveLength(6);
    expect(head.attachments[0]?.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\s*<MsgHead/);
  });

  it('latest M9.6 → the 6 prescriptions of §4.3, all status E, each with its decoded M1', () => {
    const m = as(read(LATEST_M96), 'ERM96');
    const ids = [
      'f3e3693b-45f8-4fb0-ba9a-237b02d3631e',
      '9e3eecea-3959-4b2f-b551-237b02d35b38',
      '04098f18-4a68-4eae-917c-237b02d302bf',
      '5c7a8ec0-cf0a-49c5-a1d6-237b02d357aa',
      'c922abe2-2db5-47d5-9e91-237b02d3a0bb',
      'de878b0f-29d6-48e8-b791-237b02d33c04',
    ];
    expect(m.list.map((e) => [e.reseptId, e.status])).toEqual(ids.map((id) => [id, 'E']));
    expect(m.prescriptions.map((p) => [p.reseptId, p.status])).toEqual(ids.map((id) => [id, 'E']));
    expect(m.missingPrescriptionIds).toEqual([]);
    expect(m.patient?.identityNumber).toBe('15069396949');
    // Each attached M1 reads the same as the M1 file that was sent.
    const simva = m.prescriptions.find((p) => p.reseptId === '04098f18-4a68-4eae-917c-237b02d302bf');
    expect(simva).toEqual({ ...as(read(M1.simvastatin), 'ERM1').prescription, status: 'E' });
  });

  it('the first M9.6 of the day → empty list with StatusSok 4', () => {
    const m = as(read(`${ODDEN}/a975ae1b-170a-4939-86c3-237b029d0d7f.xml`), 'ERM96');
    expect(m.list).toEqual([]);
    expect(m.searchStatus).toEqual({ code: '4', text: 'Ingen resept på dette søk' });
  });

  it('M1 Simvastatin: substance, structured evening dose, quantity, reiterations, prescriber, patient', () => {
    const m = as(read(M1.simvastatin), 'ERM1');
    expect(m.prescription).toEqual({
      reseptId: '04098f18-4a68-4eae-917c-237b02d302bf',
      prescribedOn: '2024-01-05',
      expiresOn: '2025-01-04',
      medicine: {
        name: 'Simvastatin Tab 10 mg',
        kind: 'substance',
        atc: 'C10AA01',
        festId: 'ID_8403EE8F-3562-48B0-B039-F23BDBC20C0B',
        form: 'Tablett',
        prescriptionGroup: 'C',
      },
      dosage: {
        text: '2 tabletter kveld',
        shortCode: '0+0+0+2',
        start: '2024-01-05',
        intervalDays: 1,
        doses: [{ time: 'evening', timeRange: '5', amount: 2, unit: 'tablett' }],
      },
      use: '1',
      purpose: 'KOLESTEROLSENKENDE',
      reiterations: 3,
      quantity: { value: 184, unit: 'stk' },
      type: 'E',
      itemGroup: 'L',
      prescriber: { name: 'Knut Pettersen', hpr: '002127296', organisation: 'Varacet Testlegekontor' },
    });
    expect(m.patient).toEqual({
      identityNumber: '15069396949',
      identityKind: 'FNR',
      givenName: 'Magnar Daniel',
      familyName: 'Odden',
      birthDate: '1993-06-15',
      sex: 'male',
    });
  });

  it('M1 Liothyronin: package by varenr, Ved behov, Antall', () => {
    const p = as(read(M1.liothyronin), 'ERM1').prescription;
    expect(p.medicine).toMatchObject({ kind: 'package', festId: '510982', atc: 'H03AA02', name: 'Liothyronin Tab 20 mikrog' });
    expect(p.use).toBe('3');
    expect(p.packages).toBe(1);
    expect(p.dosage.doses).toEqual([{ time: 'morning', timeRange: '1', amount: 1, unit: 'tablett' }]);
  });

  it('M1 Cordarone: brand, Kur with end date 2024-01-10', () => {
    const p = as(read(M1.cordarone), 'ERM1').prescription;
    expect(p.medicine).toMatchObject({ kind: 'brand', atc: 'C01BD01', festId: 'ID_D25C1F5C-A0F8-4D74-80D5-05E4C2BD5927' });
    expect(p.use).toBe('2');
    expect(p.dosage).toMatchObject({ start: '2024-01-05', end: '2024-01-10', shortCode: '1x1x5' });
  });

  it('M1 BCG: vaccine use 4', () => {
    const p = as(read(M1.bcg), 'ERM1').prescription;
    expect(p.use).toBe('4');
    expect(p.medicine).toMatchObject({ kind: 'package', festId: '018399', atc: 'J07AN01' });
  });

  it('M1 NIB and FIB: handelsvare, item group A, kind other, named by product group', () => {
    const nib = as(read(M1.nib), 'ERM1').prescription;
    const fib = as(read(M1.fib), 'ERM1').prescription;
    expect(nib.itemGroup).toBe('A');
    expect(nib.medicine).toEqual({ name: 'Næringsmidler ved Fenylketonuri (Føllings sykdom)', kind: 'other' });
    expect(fib.itemGroup).toBe('A');
    expect(fib.medicine).toEqual({ name: 'Forbruksmateriell til blødere', kind: 'other' });
    expect(fib.dosage.text).toBe('Ikke oppgitt');
  });

  it('M9.12 of patient-odden → patient id, no PLL', () => {
    const m = as(read(LATEST_M912), 'ERM912');
    expect(m.head.msgId).toBe('02a430ca-08ee-4e9c-9972-2c851c00387a');
    expect(m.patientId).toBe('15069396949');
    expect(m.pll).toBeUndefined();
  });

  const ERM251_ENTRIES: [string, string, string, string | null, string | null][] = [
    ['6a625148-24b3-4a2f-a0ac-1af655614f53', '1d8f8d48-a94a-44db-91e9-1af63f95da63', 'N02BE01', null, null],
    ['2bf235f8-b466-4a14-9e79-1b68000ea9c0', 'd30a9834-7f24-439e-877c-1b68009f4f35', 'M01AE01', null, null],
    ['da150fc9-9df3-4393-acb9-1b68000ed8e2', 'a27be7d3-a81e-4b72-97ce-1af8518b7039', 'L01CA01', null, null],
    ['f27efa2f-afb8-4338-b628-1b68000ee192', '557525a4-9eb1-4263-b544-1af8518bc051', 'R06AD01', null, null],
    ['c10d155b-9775-4602-b2e9-1b68000ef096', '2fe24e39-5bfb-498a-a7c1-1b4a1ee6cdf4', 'N03AF03', null, null],
    ['d2ac25cc-d6cd-431b-8dbc-1b68027989b8', '24d06513-ce67-4bc7-b387-1b6802b7c45a', 'R03AK08', '2021-03-25T08:08:04.567', 'M'],
    ['70b4f099-b856-4467-a019-1af46c11d525', '9ece4d1c-8dfa-447f-b2ff-1af456768701', 'J04AA01', '2021-01-27T12:17:10.65', 'A'],
    ['b22ab392-4353-44da-afd4-1af46c11ff68', 'ec5a7b7f-b123-4f8c-936c-1af45676d71e', 'M01AE01', '2021-03-25T08:02:49.55', 'A'],
    ['993d719f-a25f-4003-bdf8-1af651faf727', 'bf97fc3f-5dc3-4ea6-9fdd-1af498f38be0', 'B01AC22', '2021-03-25T08:02:44.903', 'A'],
    ['57e6f6d3-e262-4d86-b831-1af651fb2629', '6b3c3633-d2a9-4f70-8a07-1af63a1be071', 'A06AD17', '2021-03-25T08:02:42.027', 'A'],
    ['5a69ec6d-8771-47bc-a283-1af652b2a1b8', '4422003a-1eb6-468a-9a63-1af652b9c7e2', 'N07BC01', '2021-01-28T10:49:16.91', 'M'],
    ['8a83cd90-f20c-4073-bfb4-1af82a2c218c', '554375db-6025-478b-b4cf-1af661d83f95', 'J07CA09', '2021-03-25T08:02:47.99', 'A'],
    ['2e6de3ec-5ef9-4a57-80c5-1af82ad6eb3f', 'aa66b08e-3063-4256-a594-1af82adafa87', 'D07AB08', '2021-03-25T08:02:46.3', 'A'],
    ['8b82a2e4-d2b3-43bd-91ff-1af82b5c280d', '56bee379-0d54-4cce-932e-1af82b5f097c', 'N06BA07', '2021-01-29T08:29:19.197', 'A'],
    ['c3a6d5f7-9ddd-4484-86b4-1b68000ee914', '85b9d7f5-9031-4039-9932-1af8518be153', 'N03AF03', '2021-03-25T08:02:58.45', 'M'],
  ];

  it('ERM251 (M25.1) → 15 PLL entries with LibId, ReseptId, ATC and discontinuation', () => {
    const m = as(read(sample('ERM251-')), 'ERM251');
    expect(m.pll.messageId).toBe('7d5ee27c-d25a-4885-a558-1b6802dd80cc');
    expect(m.pll.patientId).toBe('09010557876');
    expect(m.pll.createdAt).toBe('2021-03-25T08:08:09.486816+01:00');
    expect(m.pll.multidoseDoctor).toEqual({ name: 'Knut Pettersen', hpr: '002127296' });
    expect(
      m.pll.entries.map((e) => [e.libId, e.reseptId, e.medicine.atc, e.discontinued?.at ?? null, e.discontinued?.reason ?? null]),
    ).toEqual(ERM251_ENTRIES);
  });

  it('ERM251 entry details: roles, dates, dose times and the decoded ReseptDokLegemiddel', () => {
    const m = as(read(sample('ERM251-')), 'ERM251');
    const first = m.pll.entries[0];
    expect(first).toMatchObject({
      type: 'E',
      startedOn: '2021-01-28',
      expiresOn: '2022-01-28',
      lastChanged: '2021-01-28T01:00:00',
      purpose: 'MOT SMERTER',
      use: '1',
      prescriber: { name: 'Vivi Ulven', hpr: '222200082' },
      medicine: { name: 'Paracetamol Tab 1 g', kind: 'substance', atc: 'N02BE01' },
    });
    expect(first?.dosage.doses?.map((d) => [d.time, d.timeRange, d.amount])).toEqual([
      ['morning', '1', 0.5],
      ['midday', '3', 0.5],
      ['evening', '5', 0.5],
    ]);
    const stopped = m.pll.entries.find((e) => e.libId === 'd2ac25cc-d6cd-431b-8dbc-1b68027989b8');
    expect(stopped?.discontinued).toEqual({ at: '2021-03-25T08:08:04.567', reason: 'M', by: { name: 'Knut Pettersen', hpr: '002127296' } });
    const pkg = m.pll.entries.find((e) => e.libId === '5a69ec6d-8771-47bc-a283-1af652b2a1b8');
    expect(pkg?.medicine).toMatchObject({ kind: 'package', festId: '407679', prescriptionGroup: 'A' });
  });

  it('ERM912 sample → populated PLL: the same M25.1 as the ERM251 sample, plus the multidose doctor', () => {
    const m = as(read(sample('ERM912-')), 'ERM912');
    const m251 = as(read(sample('ERM251-')), 'ERM251');
    expect(m.patientId).toBe('09010557876');
    expect(m.pll?.messageId).toBe('7d5ee27c-d25a-4885-a558-1b6802dd80cc');
    expect(m.pll?.entries).toEqual(m251.pll.entries);
    expect(m.multidoseDoctor).toEqual({ name: 'Knut Pettersen', hpr: '002127296', organisation: 'Varacet Testlegekontor', herId: '8139412' });
  });

  it('ERM98 sample → no dispensings (AntallUtleveringer 0)', () => {
    const m = as(read(sample('ERM98-')), 'ERM98');
    expect(m.count).toBe(0);
    expect(m.dispensings).toEqual([]);
  });

  it('ERM5 sample → recall reason 3 Fornying med endring, with the new ReseptId', () => {
    const m = as(read(sample('ERM5-')), 'ERM5');
    expect(m.recall).toEqual({
      reseptId: 'acbe76ea-9264-4bbf-b9bf-1b6802936bab',
      reason: '3',
      reasonText: 'Fornying med endring',
      note: 'Ikke oppgitt',
      newReseptId: '24d06513-ce67-4bc7-b387-1b6802b7c45a',
    });
    expect(m.patient?.identityNumber).toBe('09010557876');
  });

  it('ERM52, ERM7 (with its attached M5), ERM97, ERM271, ERM272 and AppRec are recognised', () => {
    expect(as(read(sample('ERM52-')), 'ERM52')).toMatchObject({ reseptId: '9ece4d1c-8dfa-447f-b2ff-1af456768701', status: { code: '1' } });
    const m7 = as(read(sample('ERM7-')), 'ERM7');
    expect(m7.deletedAt).toBe('2021-02-03T14:56:19.446+01:00');
    expect(m7.attached.map((a) => a.type)).toEqual(['ERM5']);
    expect(as(m7.attached[0] as KithMessage, 'ERM5').recall).toMatchObject({ reseptId: 'aa66b08e-3063-4256-a594-1af82adafa87', reason: '2' });
    expect(as(read(sample('ERM97-')), 'ERM97').reseptId).toBe('a27be7d3-a81e-4b72-97ce-1af8518b7039');
    expect(as(read(sample('ERM271-')), 'ERM271')).toMatchObject({ status: { code: 'R', text: 'Registrering' }, validFrom: '2021-03-25' });
    expect(as(read(sample('ERM272-')), 'ERM272')).toMatchObject({ registeredChange: true, multidoseDoctor: { hpr: '001010038', activeTo: '2021-03-25' } });
    expect(as(read(sample('AppRec-')), 'APPREC')).toMatchObject({
      status: { code: '1', text: 'OK' },
      originalMsgId: '9b9e6b06-7e31-4e6c-8e47-6e4c30c3110a',
      originalMsgType: 'ERM7',
    });
  });

  it('patient-odden AppRecs answer the M1s with status OK', () => {
    const apprecs = refXmlFiles(ODDEN)
      .filter((f) => !f.endsWith('PatientData.xml'))
      .map((f) => read(f))
      .filter((m): m is Extract<KithMessage, { type: 'APPREC' }> => m.type === 'APPREC');
    expect(apprecs).toHaveLength(6);
    expect(new Set(apprecs.map((a) => `${a.originalMsgType} ${a.status.code}`))).toEqual(new Set(['ERM1 1']));
  });

  it('readKithFolder(patient-odden) → latest M9.6 and M9.12: 6 prescriptions E, no PLL; PatientData.xml skipped', () => {
    const files = refXmlFiles(ODDEN).map((f) => ({ name: f.split('/').pop() as string, content: ref(f) }));
    const r = readKithFolder(files);
    expect(r.patientId).toBe('15069396949');
    expect(r.patient?.familyName).toBe('Odden');
    expect(r.latest.m96?.msgId).toBe('78c303d3-4d43-4fea-990a-68625ebd8999');
    expect(r.latest.m912?.msgId).toBe('02a430ca-08ee-4e9c-9972-2c851c00387a');
    expect(r.prescriptions).toHaveLength(6);
    expect(r.prescriptions.every((p) => p.status === 'E')).toBe(true);
    expect(r.pll).toEqual([]);
    expect(r.pllMessageId).toBeUndefined();
    expect(r.dispensings).toEqual([]);
    expect(r.skipped.map((s) => s.name)).toEqual(['PatientData.xml']);
    expect(r.messages).toHaveLength(28);
  });

  it('readKithFolder picks by GenDate, not by file order', () => {
    const older = `${ODDEN}/a975ae1b-170a-4939-86c3-237b029d0d7f.xml`; // empty M9.6 of 13:18:41
    const files = [LATEST_M96, older].map((f) => ({ name: f.split('/').pop() as string, content: ref(f) }));
    expect(readKithFolder(files).prescriptions).toHaveLength(6);
    expect(readKithFolder([...files].reverse()).prescriptions).toHaveLength(6);
  });

  it('readKithFolder(message-samples) → the populated PLL of the ERM912 sample', () => {
    const files = refXmlFiles('message-samples').map((f) => ({ name: f.split('/').pop() as string, content: refText(f) }));
    const r = readKithFolder(files);
    expect(r.patientId).toBe('09010557876');
    expect(r.pllMessageId).toBe('7d5ee27c-d25a-4885-a558-1b6802dd80cc');
    expect(r.pll).toHaveLength(15);
    expect(r.prescriptions).toEqual([]);
  });

  it('readKithFolder refuses messages about two different patients', () => {
    const files = [M1.simvastatin, sample('ERM5-')].map((f) => ({ name: f.split('/').pop() as string, content: ref(f) }));
    expect(() => readKithFolder(files)).toThrow(/more than one patient/);
  });

  it('readKithFolder names the broken file', () => {
    const files = [{ name: 'ok.xml', content: ref(M1.simvastatin) }, { name: 'broken.xml', content: refText(M1.cordarone).slice(0, 500) }];
    expect(() => readKithFolder(files)).toThrow(/^broken\.xml: /);
  });

  it('a payload in the wrong namespace is refused with a clear message', () => {
    const text = refText(sample('ERM5-')).replace('http://www.kith.no/xmlstds/eresept/m5/2013-04-16', 'urn:something-else');
    expect(() => readKithMessage(text, 'ERM5-x.xml')).toThrow(/^ERM5-x\.xml: Tilbakekalling is in namespace "urn:something-else", which is not a ERM5 namespace/);
  });

  it('a MsgHead in the wrong namespace is refused', () => {
    const text = refText(M1.simvastatin).replace('xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"', 'xmlns="urn:other"');
    expect(() => readKithMessage(text, 'm1.xml')).toThrow(/MsgHead is in namespace "urn:other"/);
  });

  it('an M9.6 without a required ReseptId names the element and the file', () => {
    const text = refText(LATEST_M96).replace('<ReseptId>f3e3693b-45f8-4fb0-ba9a-237b02d3631e</ReseptId>', '');
    const err = (() => {
      try {
        readKithMessage(text, 'ERM96-78c3.xml');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KithFormatError);
    expect((err as Error).message).toBe('ERM96-78c3.xml: missing required element MsgHead/Document/RefDoc/Content/M96/Listeelement/ReseptId');
    expect((err as KithFormatError).element).toBe('MsgHead/Document/RefDoc/Content/M96/Listeelement/ReseptId');
  });

  it('an attached M1 that the M9.6 list does not name is refused (its status would be unknown)', () => {
    const text = refText(LATEST_M96).replace('<ReseptId>f3e3693b-45f8-4fb0-ba9a-237b02d3631e</ReseptId>', '<ReseptId>00000000-0000-0000-0000-000000000000</ReseptId>');
    expect(() => readKithMessage(text, 'm96.xml')).toThrow(/attached M1 f3e3693b-45f8-4fb0-ba9a-237b02d3631e is not in the M96 list/);
  });

  it('an unknown status code in the M9.6 list is refused, not guessed', () => {
    const text = refText(LATEST_M96).replace('<Status V="E" DN="Ekspederbar" />', '<Status V="Q" DN="?" />');
    expect(() => readKithMessage(text, 'm96.xml')).toThrow(/unknown prescription status "Q"/);
  });
});

describe('synthetic messages (formats the reference samples lack)', () => {
  const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  const head = (type: string, msgId: string, content: string, extraDocs = '') =>
    `<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"><MsgInfo><Type V="${type}" DN="x"/><GenDate>2024-02-01T10:00:00+01:00</GenDate><MsgId>${msgId}</MsgId>` +
    `<Sender><Organisation><OrganisationName>Apotek 1 Sentrum</OrganisationName></Organisation></Sender></MsgInfo>` +
    `<Document><RefDoc><MsgType V="XML"/><Content>${content}</Content></RefDoc></Document>${extraDocs}</MsgHead>`;
  const m10 = head(
    'ERM10',
    'disp-1',
    '<Utleveringsrapport xmlns="http://www.kith.no/xmlstds/eresept/m10/2013-10-08"><Utlevering><ReseptId>rx-1</ReseptId><Utleveringsdato>2024-01-31</Utleveringsdato>' +
      '<ReseptDokLegemiddel><Mengde V="30" U="stk"/><Forskrivning><DosVeiledEnkel>1 tablett morgen</DosVeiledEnkel><Legemiddelpakning><Atc V="C10AA01" DN="Simvastatin"/>' +
      '<NavnFormStyrke>Simvastatin Tab 10 mg</NavnFormStyrke><Reseptgruppe V="C"/><Varenr>123456</Varenr></Legemiddelpakning></Forskrivning></ReseptDokLegemiddel></Utlevering></Utleveringsrapport>',
  );
  const m98 = (count: number, attached: string[]) =>
    head(
      'ERM98',
      'list-1',
      `<M98 xmlns="http://www.ehelse.no/xmlstds/eresept/m98/2018-07-01"><AntallUtleveringer>${count}</AntallUtleveringer></M98>`,
      attached
        .map((a) => `<Document><RefDoc><MsgType V="XML"/><Content><Base64Container xmlns="http://www.kith.no/xmlstds/base64container">${b64(a)}</Base64Container></Content></RefDoc></Document>`)
        .join(''),
    );

  it('M9.8 with one attached dispensing report → one Dispensing', () => {
    const m = as(readKithMessage(m98(1, [m10]), 'm98.xml'), 'ERM98');
    expect(m.dispensings).toEqual([
      {
        id: 'disp-1',
        reseptId: 'rx-1',
        dispensedAt: '2024-01-31',
        medicine: { name: 'Simvastatin Tab 10 mg', kind: 'package', atc: 'C10AA01', festId: '123456', prescriptionGroup: 'C' },
        quantity: { value: 30, unit: 'stk' },
        pharmacy: 'Apotek 1 Sentrum',
        dosageText: '1 tablett morgen',
      },
    ]);
  });

  it('M9.8 whose count disagrees with its attachments is refused', () => {
    expect(() => readKithMessage(m98(2, [m10]), 'm98.xml')).toThrow(/AntallUtleveringer says 2 dispensings but 1 are attached/);
  });

  it('a gzip-compressed attachment is refused with a clear message', () => {
    const gz = btoa(String.fromCharCode(0x1f, 0x8b, 8, 0, 0, 0, 0, 0));
    const xml = m98(1, []).replace('</MsgHead>', `<Document><RefDoc><Content><Base64Container xmlns="http://www.kith.no/xmlstds/base64container">${gz}</Base64Container></Content></RefDoc></Document></MsgHead>`);
    expect(() => readKithMessage(xml, 'm98.xml')).toThrow(/^m98\.xml: .*gzip-compressed content/);
  });

  it('an unknown message type is returned as "other", not an error', () => {
    const m = readKithMessage(head('ERM99', 'x-1', '<Foo xmlns="urn:foo"/>'), 'x.xml');
    expect(m).toMatchObject({ type: 'other', msgType: 'ERM99' });
  });

  it('a PasientExport given to readKithMessage says which reader to use', () => {
    expect(() => readKithMessage('<PasientExport xmlns="http://www.kith.no/xmlstds/eresept/forskrivningsmodul/export/2019-11-13"/>', 'p.xml')).toThrow(
      /read it with readPasientExport/,
    );
  });
});
