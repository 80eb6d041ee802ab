import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { buildDemoPatients } from '../../fixtures/demo/patients';
import { App } from './app/App';
import { makeStore } from './app/store';
import { seedOnFirstStart } from './db/seed';
import { InsecureKeyStoreError } from './db/cipher/keys';
import { loadVault } from './features/offline/vault';
import { platform } from './platform';
import './styles.css';

const store = makeStore();

/**
 * The demo's local lists must be built with the same "now" as the broker's seeded RF data, or
 * expiry dates and start dates drift apart when the two were seeded on different days.
 */
async function demoSeedTime(): Promise<Date> {
  try {
    const { brokerUrl } = await platform().getAppInfo();
    const res = await fetch(`${brokerUrl}/demo`);
    const body = (await res.json()) as { seededAt?: string | null };
    if (body.seededAt) return new Date(body.seededAt);
  } catch (err) {
    console.warn('Samstem: fant ikke tidspunktet demodataene i RF ble lagt inn; bruker nå.', err);
  }
  return new Date();
}
// Issue 7: the demo data is written sealed with the install's keys; without a protected key store
// nothing is seeded (the app then explains why, see features/offline/vault.tsx).
const ready = demoSeedTime().then(async (at) => {
  const vault = await loadVault().catch((err: unknown) => {
    if (err instanceof InsecureKeyStoreError) return null;
    throw err;
  });
  return vault ? seedOnFirstStart(vault.db, () => buildDemoPatients(at), vault.keys) : { seeded: false as const };
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Provider store={store}>
      <App ready={ready} />
    </Provider>
  </StrictMode>,
);
