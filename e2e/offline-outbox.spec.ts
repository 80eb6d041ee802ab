// Issue 7, the outbox end to end against the real broker (`npm run web --test-routes`): a doctor
// signs and sends while offline, the send waits in the outbox, the page dies in the middle of the
// replay (slow broker, or an answer lost after the commit), and on reopening the broker holds the
// change exactly once. A change by another doctor meanwhile turns the replay into a conflict the
// doctor decides on; it is never applied or retried by itself. Broker state is checked over HTTP
// with Playwright's own request context (not the page's, not affected by context.setOffline).
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test';
import { buildDemoPatients, buildWardResidents, type DemoPatient } from '../fixtures/demo';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { appUrl, axe, row, screenshot } from './helpers';

const JEO = '06120182763'; // Jeo 48 TEST: one Paracet, in sync; no other spec sends for him
const named = buildDemoPatients(new Date());
const residents = buildWardResidents(new Date());

/**
 * Residents no other journey reads in detail (ward-offline opens the first with CAVE + multidose,
 * the first other with an as-needed medicine, and the first two) and whose local list matches PLL,
 * taken from the end of the unit, so their reconciliation has nothing to decide but our change.
 */
const spare: DemoPatient[] = (() => {
  const withCave = residents.find((r) => r.criticalInfo.length > 0 && r.patient.multidose);
  const other = residents.find((r) => r !== withCave && r.pll.some((e) => e.use === '3'));
  const used = new Set([withCave, other, residents[0], residents[1]]);
  return residents
    .filter((r) => !used.has(r) && !r.local.some((e) => e.dosage.text.includes('(endret lokalt)')) && r.pll.some((e) => e.use === '1'))
    .reverse();
})();
const nameOf = (d: DemoPatient) => `${d.patient.givenName} ${d.patient.familyName}`;
/** The fixed-use medicine of a resident the doctor discontinues (and another doctor changes in journey c). */
const target = (d: DemoPatient) => d.pll.find((e) => e.use === '1' && !e.discontinued)!;

const SEND = '**/fhir/Patient/$sendMedication';
const isSend = (r: Request) => r.method() === 'POST' && r.url().includes('/fhir/Patient/$sendMedication');

// ---- the broker over HTTP ----

async function bearer(request: APIRequestContext, userId: string): Promise<string> {
  const res = await request.post(`${appUrl()}/auth/token`, { data: { userId } });
  expect(res.ok()).toBe(true);
  return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
}

async function pllVersions(request: APIRequestContext, patient: string, userId: string) {
  const res = await request.get(`${appUrl()}/fhir/Patient/pll-history?patient=${patient}`, { headers: { authorization: await bearer(request, userId) } });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { versions: { messageId: string; author: { name: string } | null; entries: { libId: string; medicine: { name: string }; discontinued?: unknown; dosage: { text: string } }[] }[] }).versions;
}

async function brokerRead(request: APIRequestContext, patient: string, userId: string) {
  const res = await request.post(`${appUrl()}/fhir/Patient/$getMedication`, {
    headers: { authorization: await bearer(request, userId), 'content-type': 'application/fhir+json' },
    data: { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: patient }] } }] },
  });
  expect(res.ok()).toBe(true);
  return readGetMedicationResponse(await res.json());
}

/** The patient's audit at the broker: its own events and the app's entries shipped to it (client:…). */
async function auditEvents(request: APIRequestContext, patient: string) {
  const res = await request.get(`${appUrl()}/audit?patient=${patient}`, { headers: { authorization: await bearer(request, 'gp-kristin') } });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { events: { action: string; outcome: string; userId?: string; reason?: string }[] }).events;
}

/** The broker's own audit of the patient: how many sends it applied, replayed and refused. */
async function sendEvents(request: APIRequestContext, patient: string) {
  const events = await auditEvents(request, patient);
  const count = (action: string, outcome?: string) => events.filter((e) => e.action === action && (outcome === undefined || e.outcome === outcome)).length;
  return { applied: count('sendMedication', 'ok'), replayed: count('sendMedication:replay', 'ok'), refused: count('sendMedication', '409') };
}

/**
 * Exactly once: the broker applied one more send, and answered the rest from that first commit
 * (the app's replay, and Chromium's own silent resend of a POST whose reused connection was cut).
 */
function expectOnce(now: { applied: number; replayed: number; refused: number }, before: { applied: number; replayed: number; refused: number }) {
  expect(now.applied, 'applied by the broker').toBe(before.applied + 1);
  expect(now.replayed, 'answered from the first commit').toBeGreaterThanOrEqual(before.replayed + 1);
  expect(now.refused).toBe(before.refused);
}

async function setFaults(request: APIRequestContext, faults: Record<string, number>) {
  const res = await request.post(`${appUrl()}/test/faults`, { data: faults });
  expect(res.ok(), await res.text()).toBe(true);
}

// ---- the app ----

async function signIn(page: Page, user: string) {
  await page.goto(appUrl());
  await page.getByRole('button', { name: user }).click();
  await expect(page.getByTestId('session-user-name')).toContainText(user);
}

async function openPatient(page: Page, identityNumber: string, name: string | RegExp) {
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(identityNumber);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(name);
  await expect(page.getByTestId('read-fetched')).toBeVisible();
  // the checks against FEST run before a send: the catalogue (loaded in the background) must be there before going offline
  await expect(page.getByTestId('catalogue-status')).toContainText('Kontrollert mot FEST', { timeout: 20_000 });
}

/**
 * Discontinue one row with the keyboard (reason A, "Avsluttet behandling"), take every other row
 * that asks for a position into the local list (a resident's local list is not on this machine),
 * then sign and send.
 */
async function discontinueAndSend(page: Page, medicine: string) {
  await expect(page.getByTestId('catalogue-status')).toContainText('Kontrollert mot FEST');
  const open = page.getByTestId('reconcile-row').filter({ hasNot: page.getByRole('heading', { name: medicine, exact: true }) }).filter({ has: page.getByTestId('decision-state').filter({ hasText: 'Krever stilling' }) });
  for (let n = await open.count(); n > 0; n--) {
    const first = open.first();
    await first.focus();
    await page.keyboard.press('t');
    await expect(open).toHaveCount(n - 1);
  }
  const r = row(page, medicine);
  await r.focus();
  await page.keyboard.press('s');
  const form = r.getByTestId('discontinue-form');
  await form.getByLabel('Årsak til seponering').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(r.getByTestId('decision-state')).toContainText('Seponeres (Avsluttet behandling)');
  await page.getByTestId('send-button').click();
  await expect(page.getByTestId('send-summary')).toContainText(medicine);
  await page.getByRole('button', { name: 'Signer og send' }).click();
  await page.getByTestId('confirm-send').click();
}

/** Offline: the send is put in the outbox, shown globally and on the patient, and not sent. */
async function sendWhileOffline(page: Page, context: BrowserContext, medicine: string) {
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toContainText('Frakoblet');
  const sent: Request[] = [];
  page.on('request', (r) => {
    if (isSend(r)) sent.push(r);
  });
  await discontinueAndSend(page, medicine);
  await expect(page.getByTestId('send-queued')).toContainText('Venter på sending (utboks)');
  await expect(page.getByTestId('outbox-status')).toContainText('Venter på sending (utboks): 1 sending sendes når forbindelsen er tilbake.');
  await expect(page.getByTestId('patient-outbox-waiting').getByTestId('pending-recall')).toHaveText([`Tilbakekalling av ${medicine}: venter på sending (utboks)`]);
  expect(sent, 'nothing leaves the page while offline').toEqual([]);
}

/** A doctor with the patient open (fresh profile), read online before anything goes offline. */
async function doctorWithPatient(browser: Browser, user: string, identityNumber: string, name: string | RegExp) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  await openPatient(page, identityNumber, name);
  return { context, page };
}

/** A spare resident opened by Per Aasen (the nursing-home doctor), with the medicine the journey stops. */
async function perWithResident(browser: Browser, resident: DemoPatient) {
  return { id: resident.patient.identityNumber, med: target(resident), ...(await doctorWithPatient(browser, 'Per Aasen', resident.patient.identityNumber, nameOf(resident))) };
}

/** Reopens the app in the same profile (IndexedDB survives) and returns the outbox's replay answer, checking its key. */
async function reopenAndReplay(context: BrowserContext, user: string, firstKey: string | undefined) {
  const again = await context.newPage();
  const replay = again.waitForResponse(SEND);
  await signIn(again, user);
  const res = await replay;
  expect(res.request().headers()['idempotency-key']).toBe(firstKey);
  expect(res.status()).toBe(200);
  return { again, res };
}

/** The broker holds the recall exactly once: one new PLL version with the entry stopped, the prescription recalled (T) once. */
async function expectRecalledOnce(request: APIRequestContext, patient: string, userId: string, med: { reseptId?: string; libId?: string; medicine: { name: string } }, versionsBefore: number) {
  const versions = await pllVersions(request, patient, userId);
  expect(versions).toHaveLength(versionsBefore + 1);
  expect(versions[0]!.entries.find((e) => (med.libId ? e.libId === med.libId : e.medicine.name === med.medicine.name))?.discontinued).toBeTruthy();
  const after = await brokerRead(request, patient, userId);
  expect(after.prescriptions.filter((p) => p.reseptId === med.reseptId).map((p) => p.status)).toEqual(['T']);
  return after;
}

test.describe('utboksen: sendt én gang, eller tilbake til legen', () => {
  test.afterEach(async ({ request }) => {
    // One broker serves every spec: never leave a fault behind.
    await setFaults(request, {});
  });

  test('a: offline send waits; the page is closed in the middle of a slow replay; on reopening the broker holds it once', async ({ browser, request }) => {
    const jeo = named.find((d) => d.patient.identityNumber === JEO)!;
    const paracet = jeo.prescriptions[0]!;
    const { context, page } = await doctorWithPatient(browser, 'Kristin Berg', JEO, 'Jeo 48 TEST');
    const versionsBefore = await pllVersions(request, JEO, 'gp-kristin');
    const eventsBefore = await sendEvents(request, JEO);

    await sendWhileOffline(page, context, paracet.medicine.name);
    await axe(page, 'outbox waiting');
    await screenshot(page, 'outbox-waiting');
    // The broker has nothing yet.
    expect(await pllVersions(request, JEO, 'gp-kristin')).toHaveLength(versionsBefore.length);
    expect((await brokerRead(request, JEO, 'gp-kristin')).prescriptions.find((p) => p.reseptId === paracet.reseptId)?.status).toBe('E');

    // Back online with a slow way back: the broker commits the replay at once, its answer waits 20 s.
    // (A delay before the broker handles it would not do: Fastify drops a request whose client died.)
    await setFaults(request, { answerDelayMs: 20_000 });
    const first = page.waitForRequest(isSend);
    await context.setOffline(false);
    const firstKey = (await first).headers()['idempotency-key'];
    expect(firstKey).toBeTruthy();
    // Committed while the page still waits for the answer (the broker's audit is outside the faults) ...
    await expect.poll(async () => (await sendEvents(request, JEO)).applied, { timeout: 15_000 }).toBe(eventsBefore.applied + 1);
    await expect(page.getByTestId('outbox-status')).toContainText('Venter på sending (utboks)');
    // ... and the page dies in the middle of the replay.
    await page.close({ runBeforeUnload: false });
    await setFaults(request, {});

    // Reopened in the same profile (IndexedDB survives): the row left "sending" is replayed with its key.
    const { again, res } = await reopenAndReplay(context, 'Kristin Berg', firstKey);
    expect(res.headers()['idempotent-replayed'], 'the broker answered from the first commit').toBe('true');
    await expect(again.getByTestId('outbox-status')).toHaveCount(0);
    await openPatient(again, JEO, 'Jeo 48 TEST');
    await expect(again.getByTestId('patient-outbox')).toHaveCount(0);

    // Exactly once: one new PLL version, the recall once, one applied send and one replay.
    const after = await expectRecalledOnce(request, JEO, 'gp-kristin', { reseptId: paracet.reseptId, medicine: paracet.medicine }, versionsBefore.length);
    expect(after.prescriptions).toHaveLength(jeo.prescriptions.length);
    expectOnce(await sendEvents(request, JEO), eventsBefore);
    await context.close();
  });

  test('a2: the page dies while the replay waits in front of a slow broker: on reopening the broker holds it exactly once', async ({ browser, request }) => {
    const { id, med, context, page } = await perWithResident(browser, spare[3]!);
    const eventsBefore = await sendEvents(request, id);
    await sendWhileOffline(page, context, med.medicine.name);

    // The broker waits 3 s before it handles anything; the page dies meanwhile.
    await setFaults(request, { latencyMs: 3000 });
    const first = page.waitForRequest(isSend);
    await context.setOffline(false);
    const firstKey = (await first).headers()['idempotency-key'];
    await page.close({ runBeforeUnload: false });
    // past the 3 s the broker waits before it would handle the request
    await new Promise((r) => setTimeout(r, 4000));
    // Whether the broker handled the orphaned request depends on when the closed socket was noticed
    // (Fastify usually drops it, but not always): both are fine, as long as the end result is one send.
    const afterClose = await sendEvents(request, id);
    expect(afterClose.applied - eventsBefore.applied).toBeLessThanOrEqual(1);
    const appliedWhileClosed = afterClose.applied === eventsBefore.applied + 1;
    await setFaults(request, {});

    const { again, res } = await reopenAndReplay(context, 'Per Aasen', firstKey);
    // Applied already: the replay is answered from that commit; not applied: the replay applies it.
    expect(res.headers()['idempotent-replayed']).toBe(appliedWhileClosed ? 'true' : undefined);
    await expect(again.getByTestId('outbox-status')).toHaveCount(0);
    if (appliedWhileClosed) expectOnce(await sendEvents(request, id), eventsBefore);
    else expect(await sendEvents(request, id)).toEqual({ ...eventsBefore, applied: eventsBefore.applied + 1 });
    expect((await brokerRead(request, id, 'gp-per')).prescriptions.filter((p) => p.reseptId === med.reseptId).map((p) => p.status)).toEqual(['T']);
    await context.close();
  });

  test('b: the broker drops the answer after the commit; the page is closed; on reopening the broker holds it once', async ({ browser, request }) => {
    const { id, med, context, page } = await perWithResident(browser, spare[0]!);
    const versionsBefore = await pllVersions(request, id, 'gp-per');
    const eventsBefore = await sendEvents(request, id);

    await sendWhileOffline(page, context, med.medicine.name);

    await setFaults(request, { dropAfterCommitRate: 1 });
    const first = page.waitForRequest(isSend);
    const failed = page.waitForEvent('requestfailed', isSend);
    await context.setOffline(false);
    const firstKey = (await first).headers()['idempotency-key'];
    // The broker applied it and cut the connection: the app did not get the answer.
    await failed;
    await expect.poll(async () => (await sendEvents(request, id)).applied, { timeout: 15_000 }).toBe(eventsBefore.applied + 1);
    // No answer = the broker is not reachable as far as the app knows: the banner says so.
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await page.close({ runBeforeUnload: false });
    await setFaults(request, {});

    const { again, res } = await reopenAndReplay(context, 'Per Aasen', firstKey);
    expect(res.headers()['idempotent-replayed']).toBe('true');
    await expect(again.getByTestId('outbox-status')).toHaveCount(0);
    await expectRecalledOnce(request, id, 'gp-per', med, versionsBefore.length);
    expectOnce(await sendEvents(request, id), eventsBefore);
    await context.close();
  });

  test('c: another doctor changed the list meanwhile: the replay is a conflict for the doctor, not applied, never retried; she reconciles anew', async ({ browser, request }) => {
    const resident = spare[1]!;
    const { id, med, context, page } = await perWithResident(browser, resident);
    await sendWhileOffline(page, context, med.medicine.name);

    // Meanwhile another doctor (the cardiologist) sends a new PLL with a new dose of the same medicine.
    const other = await request.post(`${appUrl()}/test/actors/pll-change`, { data: { patient: id, libId: med.libId, dosageText: '2 tabletter om morgenen' } });
    expect(other.ok(), await other.text()).toBe(true);
    const versionsB = await pllVersions(request, id, 'gp-per');
    const eventsB = await sendEvents(request, id);

    const sends: Request[] = [];
    page.on('request', (r) => {
      if (isSend(r)) sends.push(r);
    });
    const refused = page.waitForResponse(SEND);
    await context.setOffline(false);
    expect((await refused).status()).toBe(409);
    const conflict = page.getByTestId('patient-outbox-conflict');
    await expect(conflict).toContainText('Sendingen fra utboksen ble avvist av Reseptformidleren og er ikke registrert');
    // What changed and by whom, and what the refused send held
    await expect(conflict.getByTestId('outbox-conflict-detail')).toContainText(`Erik Solberg, Oslo universitetssykehus, Kardiologisk avdeling sendte ny PLL: endret dosering av ${med.medicine.name}`);
    await expect(conflict.getByTestId('outbox-conflict-held')).toHaveText(`Tilbakekalling av ${med.medicine.name}`);
    await expect(page.getByTestId('outbox-status')).toContainText('1 sending fra utboksen ble avvist av Reseptformidleren og er ikke registrert');
    await expect(page.getByTestId('patient-outbox-waiting')).toHaveCount(0);
    await axe(page, 'outbox conflict');
    await screenshot(page, 'outbox-conflict');

    // Not applied: the broker has B's change only.
    expect(await pllVersions(request, id, 'gp-per')).toHaveLength(versionsB.length);
    const entry = (await pllVersions(request, id, 'gp-per'))[0]!.entries.find((e) => e.libId === med.libId)!;
    expect(entry.dosage.text).toBe('2 tabletter om morgenen');
    expect(entry.discontinued).toBeFalsy();
    expect((await brokerRead(request, id, 'gp-per')).prescriptions.find((p) => p.reseptId === med.reseptId)?.status).toBe('E');
    expect(await sendEvents(request, id)).toEqual({ ...eventsB, refused: eventsB.refused + 1 });

    // Never retried by itself: offline and online again, and nothing more is sent.
    await context.setOffline(true);
    await context.setOffline(false);
    await page.waitForTimeout(1500);
    expect(sends).toHaveLength(1);
    expect(await sendEvents(request, id)).toEqual({ ...eventsB, refused: eventsB.refused + 1 });

    // Discarding asks first; "Avbryt" keeps it and returns focus.
    await conflict.getByRole('button', { name: 'Forkast sendingen' }).click();
    await expect(conflict.getByRole('button', { name: 'Ja, forkast sendingen' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Avbryt
    await expect(conflict.getByRole('button', { name: 'Forkast sendingen' })).toBeFocused();

    // Read again and reconcile: her change is still in the local list, so it is a difference to decide again.
    await page.keyboard.press('Shift+Tab');
    await expect(conflict.getByRole('button', { name: 'Hent listen på nytt og samstem' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(conflict.getByTestId('outbox-conflict-rework')).toContainText('Du valgte å samstemme på nytt');
    const r = row(page, med.medicine.name);
    await expect(r).toBeFocused();
    await expect(r).not.toHaveAttribute('data-status', 'in-sync');
    await expect(r.getByTestId('decision-state')).toContainText(/Krever stilling|Ikke avgjort/);
    await expect(r).toHaveAttribute('data-status', 'discontinued-locally-active-nationally');
    await screenshot(page, 'outbox-conflict-rework');

    // She decides again and sends (online): registered, and it replaces the refused one, saying so.
    await discontinueAndSend(page, med.medicine.name);
    await expect(page.getByTestId('send-results')).toContainText('Ny PLL er registrert');
    await expect(page.getByTestId('send-superseded')).toContainText('er erstattet av denne sendingen');
    await expect(page.getByTestId('patient-outbox-conflict')).toHaveCount(0);
    await expect(page.getByTestId('outbox-status')).toHaveCount(0);
    const versions = await pllVersions(request, id, 'gp-per');
    expect(versions).toHaveLength(versionsB.length + 1);
    expect(versions[0]!.entries.find((e) => e.libId === med.libId)?.discontinued).toBeTruthy();
    expect(await sendEvents(request, id)).toEqual({ applied: eventsB.applied + 1, replayed: eventsB.replayed, refused: eventsB.refused + 1 });
    await context.close();
  });

  test('d: a conflict the doctor discards (after a confirmation) is never sent and leaves the screens, also after a reload', async ({ browser, request }) => {
    const resident = spare[2]!;
    const { id, med, context, page } = await perWithResident(browser, resident);
    await sendWhileOffline(page, context, med.medicine.name);
    const other = await request.post(`${appUrl()}/test/actors/prescribe`, { data: { patient: id, medicine: 'klacid' } });
    expect(other.ok(), await other.text()).toBe(true);
    const versionsB = await pllVersions(request, id, 'gp-per');
    const refused = page.waitForResponse(SEND);
    await context.setOffline(false);
    expect((await refused).status()).toBe(409);
    const conflict = page.getByTestId('patient-outbox-conflict');
    await expect(conflict.getByTestId('outbox-conflict-detail')).toContainText('forskrev Klacid');

    await conflict.getByRole('button', { name: 'Forkast sendingen' }).click();
    await expect(conflict).toContainText('Forkaste sendingen? Den blir aldri sendt.');
    await axe(page, 'outbox discard confirmation');
    await conflict.getByRole('button', { name: 'Ja, forkast sendingen' }).click();
    await expect(page.getByTestId('patient-outbox')).toHaveCount(0);
    await expect(page.getByTestId('outbox-status')).toHaveCount(0);
    // The panel is gone: the keyboard is not dropped on <body> but stays on the patient, at its heading.
    await expect(page.getByTestId('patient-name')).toBeFocused();
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    // Who discarded it and when is in the local audit log (as 'outbox-discard'), shipped to the broker like every entry.
    await expect
      .poll(async () => (await auditEvents(request, id)).filter((e) => e.action === 'client:outbox-discard' && e.userId === 'gp-per' && /forkastet etter avvisning/.test(e.reason ?? '')).length, { timeout: 15_000 })
      .toBe(1);
    // Reloaded: still gone, and nothing is sent.
    const sends: Request[] = [];
    page.on('request', (r) => {
      if (isSend(r)) sends.push(r);
    });
    await page.reload();
    await page.getByRole('button', { name: 'Per Aasen' }).click();
    await openPatient(page, id, nameOf(resident));
    await expect(page.getByTestId('patient-outbox')).toHaveCount(0);
    expect(sends).toEqual([]);
    expect(await pllVersions(request, id, 'gp-per')).toHaveLength(versionsB.length);
    await context.close();
  });
});
