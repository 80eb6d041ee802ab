// Broker load benchmark: autocannon on loopback, 50 concurrent clients, against
//   1. a Fastify hello-world route (the reference: the floor any Fastify route pays),
//   2. $getMedication (the showcase patient, token checked, read recorded and audited),
//   3. a mixed workload: each client reads its own patient, then sends a new PLL based on that
//      read (with an Idempotency-Key), again and again for BENCH_BROKER_SECONDS (default 30).
// Afterwards it checks that there were no errors and no lost or duplicated writes: the PLL
// versions, idempotency records and change records added in the database each equal the number
// of sends answered 200. Broker, hello-world server and autocannon share one process (and the
// machine's CPUs), so the figures are for comparison on one machine, not capacity planning.
import Fastify from 'fastify';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildWardResidents } from '../fixtures/demo';
import { openDatabase, seedPatients, startBroker } from '../broker';
import { getMedicationBody } from '../broker/testing';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { writeSendMedicationRequest, type SendPlan } from '../shared/fhir/sendMedication';
import type { MedicationRead } from '../shared/model';

const CONNECTIONS = 50;
const READ_SECONDS = Number(process.env.BENCH_BROKER_READ_SECONDS ?? 10);
const MIXED_SECONDS = Number(process.env.BENCH_BROKER_SECONDS ?? 30);
const SHOWCASE = '14034827061';

// autocannon ships no type declarations: the small part used here.
interface Histogram { average: number; p99: number; total: number }
interface Result { requests: Histogram; latency: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number }
type Context = Record<string, unknown>;
interface RequestSpec {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: RequestSpec, context: Context) => RequestSpec | undefined;
  onResponse?: (status: number, body: string, context: Context) => void;
}
interface Options {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  setupClient?: (client: { setRequests(r: RequestSpec[]): void }) => void;
}
type Autocannon = (opts: Options, cb: (err: Error | null, res: Result) => void) => unknown;

async function run(opts: Options): Promise<Result> {
  const { default: autocannon } = (await import('autocannon' as string)) as { default: Autocannon };
  return new Promise((ok, fail) => {
    autocannon(opts, (err, res) => (err ? fail(err) : ok(res)));
  });
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function missingKeys(dbFile: string, keys: string[]): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const has = db.prepare('SELECT 1 FROM sends WHERE idempotency_key = ?').pluck();
    return keys.filter((k) => !has.get(k));
  } finally {
    db.close();
  }
}

export async function benchBroker(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'samstem-bench-broker-'));
  const dbFile = path.join(dir, 'broker.sqlite');
  // 50 residents of the demo unit beyond the 30 seeded by --seed demo: one patient per client, so
  // the clients' sends never conflict with each other (a 409 would be a client error here).
  const now = new Date();
  const extra = buildWardResidents(now, 30 + CONNECTIONS).slice(30);
  {
    const db = openDatabase(dbFile);
    seedPatients(db, extra, now);
    db.close();
  }
  const patients = extra.map((d) => d.patient.identityNumber);
  const broker = await startBroker({ dbFile, seed: 'demo', logger: false });
  const hello = Fastify({ logger: false });
  hello.get('/hello', async () => ({ hello: 'world' }));
  await hello.listen({ port: 0, host: '127.0.0.1' });
  const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

  try {
    // Per Aasen (nursing-home doctor, unit solsiden-2) has a care relationship with every resident.
    const tok = await fetch(`${broker.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'gp-per' }) });
    const token = ((await tok.json()) as { access_token: string }).access_token;
    const headers = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', authorization: `Bearer ${token}` };

    const helloRes = await run({ url: helloUrl, connections: CONNECTIONS, duration: READ_SECONDS });
    const readRes = await run({
      url: `${broker.url}/fhir/Patient/$getMedication`, method: 'POST', headers: { ...headers, authorization: `Bearer ${(await (await fetch(`${broker.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'gp-kristin' }) })).json() as { access_token: string }).access_token}` },
      body: JSON.stringify(getMedicationBody(SHOWCASE)), connections: CONNECTIONS, duration: READ_SECONDS,
    });

    // Mixed: read then send, per client, each on its own patient.
    const countDb = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        const inList = patients.map(() => '?').join(',');
        return {
          pllVersions: db.prepare(`SELECT count(*) FROM pll_versions WHERE patient IN (${inList})`).pluck().get(...patients) as number,
          idempotency: db.prepare("SELECT count(*) FROM sends WHERE idempotency_key LIKE 'bench-%'").pluck().get() as number,
          changes: db.prepare(`SELECT count(*) FROM changes WHERE kind = 'send' AND patient IN (${inList})`).pluck().get(...patients) as number,
        };
      } finally {
        db.close();
      }
    };
    const before = countDb();
    const tally = { readOk: 0, readOther: 0, sendOk: 0, sendOther: 0, otherStatuses: new Map<number, number>() };
    const answered: string[] = [];
    let nextPatient = 0;
    let sendSeq = 0;
    const mixedRes = await run({
      url: broker.url,
      connections: CONNECTIONS,
      duration: MIXED_SECONDS,
      setupClient: (client) => {
        const patient = patients[nextPatient++ % patients.length]!;
        const readBody = JSON.stringify(getMedicationBody(patient));
        client.setRequests([
          {
            method: 'POST', path: '/fhir/Patient/$getMedication', headers, body: readBody,
            onResponse: (status, body, context) => {
              if (status === 200) {
                tally.readOk++;
                context.read = readGetMedicationResponse(JSON.parse(body));
              } else {
                tally.readOther++;
                tally.otherStatuses.set(status, (tally.otherStatuses.get(status) ?? 0) + 1);
              }
            },
          },
          {
            method: 'POST', path: '/fhir/Patient/$sendMedication',
            setupRequest: (req, context) => {
              const read = context.read as MedicationRead | undefined;
              if (!read) return undefined; // the read failed: start over
              const n = ++sendSeq;
              context.key = `bench-${n}`;
              const pll = read.pll.map((e, i) => (i === 0 ? { ...e, dosage: { ...e.dosage, text: `${e.dosage.text.replace(/ \[bench \d+\]$/, '')} [bench ${n}]` }, lastChanged: new Date().toISOString() } : e));
              const plan: SendPlan = {
                readId: read.readId, patient: read.patient, newPrescriptions: [], recalls: [], pll, sentAt: new Date().toISOString(),
                sender: { name: 'Per Aasen', hpr: '5544332', organisation: 'Solsiden sykehjem' },
                ...(read.pllMessageId ? { pllMessageId: read.pllMessageId } : {}),
              };
              return { ...req, headers: { ...headers, 'idempotency-key': `bench-${n}` }, body: JSON.stringify(writeSendMedicationRequest(plan)) };
            },
            onResponse: (status, _body, context) => {
              if (status === 200) {
                tally.sendOk++;
                answered.push(context.key as string);
              }
              else {
                tally.sendOther++;
                tally.otherStatuses.set(status, (tally.otherStatuses.get(status) ?? 0) + 1);
              }
            },
          },
        ]);
      },
    });
    const after = countDb();

    const added = { pllVersions: after.pllVersions - before.pllVersions, idempotency: after.idempotency - before.idempotency, changes: after.changes - before.changes };
    const problems: string[] = [];
    for (const [name, r] of [['hello', helloRes], ['getMedication', readRes], ['mixed', mixedRes]] as const) {
      if (r.errors || r.timeouts || r.non2xx) problems.push(`${name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
    }
    if (tally.readOther || tally.sendOther) problems.push(`mixed: statuses other than 200: ${JSON.stringify(Object.fromEntries(tally.otherStatuses))}`);
    // Lost: a send answered 200 without its idempotency record. Duplicated: a send that left more
    // (or fewer) than one PLL version and one change record. Sends still in flight when autocannon
    // stopped are committed without being counted: at most one per connection.
    const missing = missingKeys(dbFile, answered);
    if (missing.length) problems.push(`lost writes: ${missing.length} sends answered 200 have no record (${missing.slice(0, 3).join(', ')} …)`);
    if (added.pllVersions !== added.idempotency || added.changes !== added.idempotency) problems.push(`duplicated or partial writes: PLL versions +${added.pllVersions}, idempotency records +${added.idempotency}, send changes +${added.changes}`);
    const inFlight = added.idempotency - tally.sendOk;
    if (inFlight < 0 || inFlight > CONNECTIONS) problems.push(`writes: ${added.idempotency} recorded but ${tally.sendOk} answered 200 (more than one unanswered send per connection)`);
    if (problems.length) throw new Error(`broker bench found problems:\n  ${problems.join('\n  ')}`);

    const mixedTotal = mixedRes.requests.total;
    return {
      connections: CONNECTIONS,
      'hello req/s': round(helloRes.requests.average),
      'hello p99 ms': helloRes.latency.p99,
      'getMedication seconds': READ_SECONDS,
      'getMedication req/s': round(readRes.requests.average),
      'getMedication p99 ms': readRes.latency.p99,
      'getMedication bytes/response': Math.round(readRes.throughput.total / Math.max(1, readRes.requests.total)),
      'getMedication vs hello (req/s ratio)': round(readRes.requests.average / helloRes.requests.average, 3),
      'mixed seconds': MIXED_SECONDS,
      'mixed req/s': round(mixedRes.requests.average),
      'mixed p99 ms': mixedRes.latency.p99,
      'mixed vs hello (req/s ratio)': round(mixedRes.requests.average / helloRes.requests.average, 3),
      'mixed reads 200': tally.readOk,
      'mixed sends 200': tally.sendOk,
      'mixed requests total': mixedTotal,
      'errors/timeouts/non-2xx (all runs)': `${helloRes.errors + readRes.errors + mixedRes.errors}/${helloRes.timeouts + readRes.timeouts + mixedRes.timeouts}/${helloRes.non2xx + readRes.non2xx + mixedRes.non2xx}`,
      'writes check': `every send answered 200 is recorded (${tally.sendOk}); PLL versions +${added.pllVersions} = idempotency records +${added.idempotency} = send changes +${added.changes}; ${added.idempotency - tally.sendOk} committed while autocannon stopped (in flight, unanswered)`,
      note: 'broker, hello-world and autocannon in one process on loopback',
    };
  } finally {
    await hello.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
