// `npm run broker -- --port N --db FILE [--seed demo] [--host H] [--static DIR] [--quiet] [--test-routes] [--faults …]`
// Runs the mock broker alone, prints its URL, stops cleanly on SIGINT/SIGTERM.
// `npm run broker -- actor ACTION --db FILE …` lets another actor (pharmacy, other doctor, time)
// change the data in the file, also while a broker runs on it; prints the change as JSON.
import { ActorError, parseActorAction, runActor } from './actors';
import { parseActorArgs, parseArgs, USAGE, UsageError } from './cliArgs';
import { clockOffsetMs, openDatabase } from './db';
import { startBroker } from './server';

function fail(message: string): never {
  process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

function actor(argv: string[]): void {
  let parsed;
  try {
    parsed = parseActorArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    throw e;
  }
  const db = openDatabase(parsed.dbFile);
  try {
    const now = new Date(Date.now() + clockOffsetMs(db));
    const result = runActor(db, parseActorAction(parsed.action, parsed.fields), now);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (e) {
    if (e instanceof ActorError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  } finally {
    db.close();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (argv[0] === 'actor') return actor(argv.slice(1));
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    throw e;
  }
  let broker;
  try {
    broker = await startBroker(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`Porten ${opts.port} er i bruk. Velg en annen med --port, eller --port 0 for en ledig port.`);
    fail(`Kunne ikke starte testmegleren: ${err.message}`);
  }
  process.stdout.write(`Samstem testmegler kjører på ${broker.url} (FHIR: ${broker.url}/fhir)\n`);
  if (opts.testRoutes || opts.faults) process.stdout.write(`TESTMODUS: ${opts.testRoutes ? 'testruter (/test/actors, /test/faults) ' : ''}${opts.faults ? `feilinjeksjon ${JSON.stringify(opts.faults)}` : ''}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopper testmegleren …\n`);
    broker.stop().then(() => process.exit(0), (e: Error) => { process.stderr.write(`Feil ved stopp: ${e.message}\n`); process.exit(1); });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
