// The roster client of the running app, built from the platform's broker URL (as app/extra.ts does
// for the FHIR client). Tests pass their own RosterClient to wardSync instead.
import { createRosterClient, type RosterClient } from '../../api/roster';
import { platform } from '../../platform';

let rosterPromise: Promise<RosterClient> | undefined;

export function appRoster(): Promise<RosterClient> {
  rosterPromise ??= platform()
    .getAppInfo()
    .then((info) => createRosterClient(info.brokerUrl))
    .catch((err: unknown) => {
      rosterPromise = undefined; // ask the host again next time
      throw err;
    });
  return rosterPromise;
}
