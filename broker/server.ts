// The mock RF + KJ broker: an SFM Basis-style FHIR API over the SQLite store.
// Fastify app factory (buildApp) and a start/stop API (startBroker) that the CLI, Electron,
// web mode and tests embed.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseIdentityNumber, type IdentityFailureReason } from '../shared/identity';
import type { MedicationRead } from '../shared/model';
import { authenticate, issueToken, signingKey, testUsers } from './auth';
import { clockOffsetMs, insertAudit, listAudit, loadPatientRecord, openDatabase, recordRead, type Db } from './db';
import { Faults, type FaultConfig } from './faults';
import { registerTestRoutes } from './testRoutes';
import { requestReason, who } from './request';
import { careBasis, emergencyReason, needsEmergencyReason, pharmacistsCannotReadPll } from './care';
import { getMedicationResponse, readGetMedication } from './fhir';
import { BrokerProblem, FHIR_JSON, operationOutcome, problem, type Problem } from './outcome';
import { demoSeededAt, seedDemo } from './seed';
import { registerSendMedication } from './send';
import { listPllProposals, registerPllHistory } from './pll-history';
import { listClientAudit, mergeAudit, registerClientAudit } from './audit-ingest';
import { registerRoster } from './roster';

export interface BrokerOptions {
  /** 0 = a free port chosen by the OS (default). */
  port?: number;
  /** Default 127.0.0.1: the broker holds health data and must not listen on the network by accident. */
  host?: string;
  /** SQLite file; created and migrated when missing. */
  dbFile: string;
  /** 'demo' seeds fixtures/demo (idempotent); default 'none'. */
  seed?: 'demo' | 'none';
  /** Structured request logs (pino) on stdout, with patient data redacted. Default false. */
  logger?: boolean;
  /** Serve a built renderer (index.html + assets) at / from this folder. */
  staticDir?: string;
  /**
   * Origins allowed to call the API cross-origin (CORS). Default: `null` (a page from file://)
   * and `app://samstem` (Electron's app protocol). Same-origin pages (staticDir) need none.
   */
  corsOrigins?: (string | RegExp)[];
  /** Where structured logs go when `logger` is on (default stdout); for tests. */
  logStream?: { write(line: string): void };
  /**
   * 'required' (default): every FHIR request except /fhir/metadata, and /audit, needs a bearer token
   * from POST /auth/token. 'off': no tokens (requests are logged without a user).
   */
  auth?: 'required' | 'off';
  /** Lifetime of issued tokens in seconds (default 3600). */
  tokenTtlSeconds?: number;
  /** Clock, for tests. The "time passes" actor moves the broker's clock on top of it (kept in the database). */
  now?: () => Date;
  migrationsDir?: string;
  /**
   * Test flag: register POST /test/actors/:action (pharmacies, other doctors, time passing) and
   * GET/POST /test/faults. Never on by default.
   */
  testRoutes?: boolean;
  /** Test flag: inject faults into the FHIR operations (see faults.ts); settable at runtime with testRoutes. */
  faults?: FaultConfig;
}

export interface RunningBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_CORS: (string | RegExp)[] = ['null', 'app://samstem'];

const identityEnglish: Record<IdentityFailureReason, string> = {
  empty: 'the identity number is empty',
  length: 'an identity number has 11 digits',
  digits: 'an identity number has digits only',
  date: 'the birth date in the number does not exist, or the individual number does not fit the birth year (D-nummer: day + 40, H-nummer: month + 40)',
  checksum: 'the check digits (mod 11) do not match: the number is mistyped',
};

/** How long a discontinued PLL entry is still listed. */
export const PLL_DISCONTINUED_KEEP_MS = 90 * 86_400_000;

const KIND_NB = { FNR: 'fødselsnummer', DNR: 'D-nummer', HNR: 'H-nummer' } as const;

function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  const { status, ...rest } = p;
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="samstem-broker", error="invalid_token"');
  return reply.code(status).type(FHIR_JSON).send(operationOutcome(rest));
}

function corsAllowed(origin: string | undefined, allowed: (string | RegExp)[]): origin is string {
  if (origin === undefined) return false;
  return allowed.some((a) => (typeof a === 'string' ? a === origin : a.test(origin)));
}

/** Builds the Fastify app over an open database. The caller owns the database. */
export async function buildApp(db: Db, opts: Omit<BrokerOptions, 'dbFile' | 'port' | 'host' | 'seed'> = {}): Promise<FastifyInstance> {
  const baseNow = opts.now ?? (() => new Date());
  // The broker's clock: the caller's clock plus the offset the "time passes" actor stored.
  const now = () => new Date(baseNow().getTime() + clockOffsetMs(db));
  const faults = opts.faults || opts.testRoutes ? new Faults(opts.faults ?? {}) : undefined;
  const app = Fastify({
    bodyLimit: 20 * 1024 * 1024,
    logger: opts.logger
      ? {
          level: 'info',
          ...(opts.logStream ? { stream: opts.logStream } : {}),
          // Never log who the patient is: no bodies, no query strings (GET /audit?patient=…),
          // no tokens. Routes log only ids that mean nothing outside the broker (readId).
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query', 'req.body', 'patient', 'identityNumber'], censor: '[redacted]' },
          serializers: {
            req: (req: FastifyRequest) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
          },
        }
      : false,
  });

  // FHIR's own media type is JSON too; nothing else is accepted (415).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['application/fhir+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  faults?.register(app);

  const cors = opts.corsOrigins ?? DEFAULT_CORS;
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (corsAllowed(origin, cors)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header('access-control-allow-headers', 'content-type, authorization, idempotency-key, x-request-reason, x-emergency-access-reason');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-max-age', '600');
      if (req.method === 'OPTIONS') return reply.code(204).send();
    }
  });

  app.setErrorHandler((err: FastifyError | BrokerProblem, req, reply) => {
    if (err instanceof BrokerProblem) return sendProblem(reply, err.problem);
    const code = (err as FastifyError).code;
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err instanceof SyntaxError && (err as FastifyError).statusCode === 400) || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendProblem(reply, { status: 400, code: 'structure', nb: 'Forespørselen er ikke gyldig JSON. Send en FHIR Parameters-ressurs som JSON.', en: 'The request body is not valid JSON. Send a FHIR Parameters resource as JSON.' });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(reply, { status: 415, code: 'not-supported', nb: 'Innholdstypen støttes ikke. Bruk application/fhir+json eller application/json.', en: 'Unsupported content type. Use application/fhir+json or application/json.' });
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(reply, { status: 413, code: 'too-costly', nb: 'Forespørselen er for stor.', en: 'The request body is too large.' });
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendProblem(reply, { status, code: 'invalid', nb: 'Forespørselen kunne ikke behandles.', en: `The request could not be processed (${code ?? 'client error'}).` });
    }
    req.log.error({ err: { type: err.name, code, message: err.message } }, 'unhandled error');
    return sendProblem(reply, { status: 500, code: 'exception', nb: 'Intern feil i testmegleren. Prøv igjen; meld fra hvis feilen varer.', en: 'Internal error in the mock broker.' });
  });

  app.setNotFoundHandler((req, reply) => {
    return sendProblem(reply, { status: 404, code: 'not-supported', nb: `Ukjent adresse: ${req.method} ${req.url.split('?')[0]}.`, en: `No such endpoint: ${req.method} ${req.url.split('?')[0]}.` });
  });

  const key = await signingKey(db);
  const authRequired = (opts.auth ?? 'required') === 'required';
  const ttl = opts.tokenTtlSeconds ?? 3600;
  app.decorateRequest('user', undefined);
  app.addHook('preHandler', async (req) => {
    const path = req.url.split('?')[0]!;
    const protectedPath = (path.startsWith('/fhir/') && path !== '/fhir/metadata') || path === '/audit';
    if (!authRequired || !protectedPath || req.method === 'OPTIONS') return;
    req.user = await authenticate(key, req.headers.authorization, now());
  });

  app.post('/auth/token', async (req, reply) => {
    const body = req.body as { userId?: unknown } | undefined;
    const userId = typeof body?.userId === 'string' ? body.userId : undefined;
    const user = testUsers.find((u) => u.id === userId);
    if (!user) {
      throw problem(400, 'security', `Ukjent bruker${userId ? ` «${userId}»` : ''}. Kjente testbrukere: ${testUsers.map((u) => u.id).join(', ')}.`, 'Unknown userId: send {"userId": "<id from fixtures/users.json>"}.', 'userId');
    }
    const token = await issueToken(key, user, now(), ttl);
    req.log.info({ userId: user.id }, 'token issued');
    return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer', expires_in: ttl, user });
  });

  app.get('/auth/users', async () => testUsers);
  app.get('/auth/jwks', async () => ({ keys: [key.publicJwk] }));

  app.get('/audit', async (req) => {
    const q = req.query as { patient?: string };
    const parsed = parseIdentityNumber(q.patient ?? '');
    if (!parsed.ok) throw problem(400, 'value', `Oppgi pasienten som ?patient=<fødselsnummer/D-nummer>: ${parsed.message}`, `Give ?patient=<identity number>: ${identityEnglish[parsed.reason]}.`, 'patient');
    return { patient: parsed.value, events: mergeAudit(listAudit(db, parsed.value), listClientAudit(db, parsed.value)) };
  });
  registerClientAudit(app, db, now);

  // For the renderer's demo mode: build the local lists with the same "now" as the seeded RF data.
  app.get('/demo', async () => ({ seededAt: demoSeededAt(db) ?? null }));

  app.get('/healthz', async (_req, reply) => {
    try {
      db.prepare('SELECT 1').get();
      return { status: 'ok', db: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'error', db: 'error' });
    }
  });

  app.get('/fhir/metadata', async (_req, reply) => reply.type(FHIR_JSON).send(capabilityStatement(now())));

  app.post('/fhir/Patient/$getMedication', async (req, reply) => {
    const request = readGetMedication(req.body);
    const parsed = parseIdentityNumber(request.identityNumber);
    if (!parsed.ok) {
      throw problem(400, 'value', `Ugyldig fødselsnummer/D-nummer: ${parsed.message}`, `Invalid identity number: ${identityEnglish[parsed.reason]}.`, 'Parameters.parameter.where(name = \'patient\').resource.identifier.value');
    }
    if (parsed.kind !== request.identityKind) {
      throw problem(400, 'value', `Identifikatortypen stemmer ikke med nummeret: systemet sier ${KIND_NB[request.identityKind]}, men nummeret er et ${KIND_NB[parsed.kind]}.`, `The identifier system says ${request.identityKind} but the number is a ${parsed.kind}.`, 'Parameters.parameter.where(name = \'patient\').resource.identifier.system');
    }
    const at = now();
    const user = req.user;
    const givenReason = emergencyReason(req, request.kjConsent);
    const reason = requestReason(req) ?? (request.kjConsent ? `SamtykkeKjernejournal ${request.kjConsent}` : undefined);
    const audit = { at: at.toISOString(), patient: parsed.value, action: 'getMedication', ...who(user), ...(reason ? { reason } : {}) };
    if (user?.role === 'pharmacist') {
      insertAudit(db, { ...audit, outcome: '403', detail: 'pharmacists have no FHIR read of PLL' });
      throw pharmacistsCannotReadPll();
    }
    if (request.kjConsent === 'HPAKUTT' && !givenReason) {
      insertAudit(db, { ...audit, action: 'getMedication:emergency', outcome: '403', detail: 'emergency access without a reason' });
      throw new BrokerProblem({ status: 403, code: 'forbidden', detail: 'emergency-access-required', nb: 'Akuttilgang (HPAKUTT) krever en begrunnelse: oppgi den i X-Request-Reason eller X-Emergency-Access-Reason.', en: 'Emergency access (HPAKUTT) needs a reason in the X-Request-Reason or X-Emergency-Access-Reason header.' });
    }
    const record = loadPatientRecord(db, parsed.value);
    if (!record) {
      insertAudit(db, { ...audit, outcome: 'not-found' });
      throw problem(404, 'not-found', 'Pasienten finnes ikke i Reseptformidleren eller Kjernejournal (testmegleren). Kontroller nummeret.', 'No patient with this identity number in the mock RF/KJ.');
    }
    const basis = user ? careBasis(db, user, record.patient) : 'auth-off';
    const emergency = request.kjConsent === 'HPAKUTT' || (!basis && givenReason !== undefined);
    if (!basis && !givenReason) {
      insertAudit(db, { ...audit, outcome: '403', detail: 'no care relationship and no emergency-access reason' });
      throw needsEmergencyReason(user!, 'read');
    }
    // PLL rule: a discontinued entry stays in the list for 90 days after it was discontinued.
    const pllCutoff = at.getTime() - PLL_DISCONTINUED_KEEP_MS;
    const read: MedicationRead = {
      readId: randomUUID(),
      patient: record.patient,
      prescriptions: record.prescriptions,
      pll: (record.pll?.entries ?? []).filter((e) => !e.discontinued || Date.parse(e.discontinued.at) >= pllCutoff),
      dispensings: record.dispensings,
      criticalInfo: record.criticalInfo,
      rfFetchedAt: at.toISOString(),
      kjFetchedAt: at.toISOString(),
      errors: [],
    };
    if (record.pll) read.pllMessageId = record.pll.messageId;
    const proposals = listPllProposals(db, parsed.value);
    if (proposals.length) read.pllProposals = proposals;
    const response = getMedicationResponse(read, at, req.user ? { name: req.user.name, hpr: req.user.hpr, organisation: req.user.organisation.name } : undefined);
    db.transaction(() => {
      recordRead(db, {
        readId: read.readId, patient: parsed.value, at: at.toISOString(), patientVersion: record.version, ...(req.user ? { userId: req.user.id } : {}),
        ...(read.pllMessageId ? { pllMessageId: read.pllMessageId } : {}),
        reseptIds: read.prescriptions.map((p) => p.reseptId),
        libIds: read.pll.map((e) => e.libId),
        ...(emergency && givenReason ? { emergencyReason: givenReason } : {}),
      });
      if (emergency) {
        // Its own kind of event, beside the read itself: emergency access is reviewed separately.
        insertAudit(db, { ...audit, action: 'emergency-access', reason: givenReason!, readId: read.readId, outcome: 'ok', detail: basis ? `emergency access (care relationship: ${basis})` : 'emergency access outside the care relationship' });
      }
      insertAudit(db, { ...audit, ...(emergency ? { action: 'getMedication:emergency', reason: givenReason! } : {}), readId: read.readId, outcome: 'ok', ...(basis && basis !== 'auth-off' && !emergency ? { detail: `care relationship: ${basis}` } : {}) });
    })();
    if (faults?.dropAfterCommit(req, reply)) return reply;
    req.log.info({ readId: read.readId }, 'getMedication answered');
    return reply.type(FHIR_JSON).send(response);
  });

  registerSendMedication(app, db, now, faults);
  registerPllHistory(app, db, now);
  await registerRoster(app, db, now, authRequired);
  if (opts.testRoutes && faults) registerTestRoutes(app, db, now, faults);

  if (opts.staticDir) {
    const root = resolve(opts.staticDir);
    if (!existsSync(resolve(root, 'index.html'))) throw new Error(`staticDir ${root} has no index.html: build the renderer first (npm run build:renderer).`);
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'] });
  }

  return app;
}

function capabilityStatement(now: Date) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString(),
    publisher: 'Samstem',
    kind: 'instance',
    software: { name: 'Samstem mock broker (RF + KJ, SFM Basis-style)' },
    implementation: { description: 'Test double for SFM Basis: synthetic data only, not connected to Reseptformidleren or Kjernejournal.' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      resource: [{
        type: 'Patient',
        operation: [
          { name: 'getMedication', definition: 'http://ehelse.no/fhir/OperationDefinition/sfm-getMedication' },
          { name: 'sendMedication', definition: 'http://ehelse.no/fhir/OperationDefinition/sfm-sendMedication' },
        ],
      }],
    }],
  };
}

/** Opens the database, seeds it if asked, and listens. `stop()` closes the server and the database. */
export async function startBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const db = openDatabase(opts.dbFile, opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {});
  let app: FastifyInstance;
  try {
    if (opts.seed === 'demo') seedDemo(db, (opts.now ?? (() => new Date()))());
    app = await buildApp(db, opts);
    await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  } catch (e) {
    db.close();
    throw e;
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The broker is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stop() {
      stopped ??= (async () => {
        await app.close();
        db.close();
      })();
      return stopped;
    },
  };
}
