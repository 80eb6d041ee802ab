// What thunks get injected (the thunk "extra argument"): tests pass fakes, the app passes the real
// broker client built from the platform's broker URL.
import type { BrokerClient } from '../api/broker';
import { platform } from '../platform';

export interface ThunkExtra {
  broker(): Promise<BrokerClient>;
}

let brokerPromise: Promise<BrokerClient> | undefined;

export const defaultExtra: ThunkExtra = {
  broker() {
    brokerPromise ??= platform()
      .getAppInfo()
      .then(async (info) => (await import('../api/broker')).createBrokerClient(info.brokerUrl))
      .catch((err: unknown) => {
        brokerPromise = undefined; // let the next attempt ask the host again
        throw err;
      });
    return brokerPromise;
  },
};
