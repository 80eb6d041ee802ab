// Test-only routes, registered only with the test flag (`--test-routes` / `testRoutes: true`):
//   POST /test/actors/:action   another actor changes RF/KJ (see actors.ts); body = the action's fields
//   GET  /test/faults           the faults now in force
//   POST /test/faults           replace them (body: FaultConfig; {} = none)
import type { FastifyInstance } from 'fastify';
import { ActorError, parseActorAction, runActor } from './actors';
import type { Db } from './db';
import { parseFaultConfig, type Faults } from './faults';
import { problem } from './outcome';

export function registerTestRoutes(app: FastifyInstance, db: Db, now: () => Date, faults: Faults): void {
  app.post('/test/actors/:action', async (req) => {
    const { action } = req.params as { action: string };
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const result = runActor(db, parseActorAction(action, body), now());
      req.log.info({ action, changes: result.changes.length }, 'test actor');
      return result;
    } catch (e) {
      if (e instanceof ActorError) throw problem(e.status, e.status === 404 ? 'not-found' : e.status === 409 ? 'conflict' : 'business-rule', e.message, e.message);
      throw e;
    }
  });
  app.get('/test/faults', async () => faults.current);
  app.post('/test/faults', async (req) => {
    try {
      faults.set(parseFaultConfig(req.body ?? {}));
    } catch (e) {
      throw problem(400, 'value', `Ugyldige feil: ${(e as Error).message}`, (e as Error).message);
    }
    return faults.current;
  });
}
