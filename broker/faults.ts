// Fault injection for tests of clients on a flaky network (only when the broker is started with a
// test flag: `--faults …` / `faults: {…}`, or `--test-routes`, which lets a test set them at runtime
// through POST /test/faults). Applies to the FHIR operations (/fhir/Patient/…) only, so tokens,
// health checks and the test routes keep working.
//   latencyMs            every operation waits this long before it is handled (a client that gives
//                        up meanwhile never gets it handled: Fastify drops an aborted request)
//   answerDelayMs        every operation is handled and committed at once, then its answer waits this
//                        long (a slow way back: a client that dies meanwhile cannot know it happened)
//   errorRate            this share of operations is answered 503 (OperationOutcome, transient) and not handled
//   resetRate            this share of connections is destroyed before the operation is handled
//   dropAfterCommitRate  this share of operations is handled and committed, then the connection is
//                        destroyed instead of answering (the client cannot tell whether it happened)
//   malformedRate        this share of successful answers is cut in half (invalid JSON)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FHIR_JSON, operationOutcome } from './outcome';

export interface FaultConfig {
  latencyMs?: number;
  answerDelayMs?: number;
  errorRate?: number;
  resetRate?: number;
  dropAfterCommitRate?: number;
  malformedRate?: number;
}

const KEYS = ['latencyMs', 'answerDelayMs', 'errorRate', 'resetRate', 'dropAfterCommitRate', 'malformedRate'] as const;
const DELAYS: readonly string[] = ['latencyMs', 'answerDelayMs'];

/** Checks a fault configuration (from JSON or the CLI); throws an Error saying what is wrong. */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be an object');
  const out: FaultConfig = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new Error(`unknown fault "${k}" (known: ${KEYS.join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`fault ${k} must be a number ≥ 0`);
    if (!DELAYS.includes(k) && v > 1) throw new Error(`fault ${k} is a rate between 0 and 1`);
    if (DELAYS.includes(k) && v > 60_000) throw new Error(`${k} is at most 60000`);
    out[k as keyof FaultConfig] = v;
  }
  return out;
}

/** `latency=200,error=0.1,reset=0.01,drop=0.05,malformed=0.01` (the CLI's --faults). */
export function parseFaultSpec(spec: string): FaultConfig {
  const alias: Record<string, keyof FaultConfig> = { latency: 'latencyMs', 'answer-delay': 'answerDelayMs', error: 'errorRate', reset: 'resetRate', drop: 'dropAfterCommitRate', malformed: 'malformedRate' };
  const obj: Record<string, number> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [k, v] = part.split('=');
    const key = alias[k ?? ''] ?? k ?? '';
    obj[key] = Number(v);
  }
  return parseFaultConfig(obj);
}

const applies = (req: FastifyRequest) => req.url.startsWith('/fhir/Patient/');

export class Faults {
  private config: FaultConfig;
  constructor(config: FaultConfig = {}, private readonly random: () => number = Math.random) {
    this.config = { ...config };
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  set(config: FaultConfig): void {
    this.config = { ...config };
  }

  private roll(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (req, reply) => {
      if (!applies(req)) return;
      const c = this.config;
      if (c.latencyMs) await new Promise((r) => setTimeout(r, c.latencyMs));
      if (this.roll(c.resetRate)) {
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
      }
      if (this.roll(c.errorRate)) {
        return reply.code(503).type(FHIR_JSON).header('retry-after', '1').send(operationOutcome({
          code: 'transient', nb: 'Tjenesten er midlertidig utilgjengelig (simulert feil i testmegleren). Prøv igjen om litt.', en: 'Injected fault: service temporarily unavailable.',
        }));
      }
    });
    app.addHook('onSend', async (req, reply, payload) => {
      if (!applies(req)) return payload;
      // After the handler: whatever it did is committed; only the answer is late.
      const delay = this.config.answerDelayMs;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      if (this.roll(this.config.malformedRate)) return payload.slice(0, Math.floor(payload.length / 2));
      return payload;
    });
  }

  /**
   * Call after the operation's transaction committed: with the drop-after-commit fault, destroys
   * the connection instead of answering and returns true (the route must then return `reply`).
   */
  dropAfterCommit(req: FastifyRequest, reply: FastifyReply): boolean {
    if (!this.roll(this.config.dropAfterCommitRate)) return false;
    reply.hijack();
    req.raw.socket.destroy();
    return true;
  }
}
