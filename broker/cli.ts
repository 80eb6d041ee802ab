// `npm run broker -- --port N --db FILE [--seed demo] [--host H] [--static DIR] [--quiet]`
// Runs the mock broker alone, prints its URL, stops cleanly on SIGINT/SIGTERM.
import { parseArgs, USAGE, UsageError } from './cliArgs';
import { startBroker } from './server';

function fail(message: string): never {
  process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
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
