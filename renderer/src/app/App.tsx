import { useEffect, useState } from 'react';
import { nb } from '../i18n/nb';
import { useAppSelector } from './hooks';
import { selectUserId } from '../features/session/sessionSlice';
import { SessionBar } from '../features/session/SessionBar';
import { UserPicker } from '../features/session/UserPicker';
import { PatientSearch } from '../features/patient/PatientSearch';
import { PatientView } from '../features/patient/PatientView';
import { SecureShell } from '../features/offline/SecureShell';
import { preloadCatalogue } from '../features/catalog/catalogue';

export interface AppProps {
  /** Resolves when the local database is ready (seeded on first start). */
  ready: Promise<unknown>;
}

export function App({ ready }: AppProps) {
  const [db, setDb] = useState<'opening' | 'ready' | { failed: string }>('opening');
  const userId = useAppSelector(selectUserId);

  useEffect(() => {
    let live = true;
    ready.then(
      () => live && setDb('ready'),
      (err: unknown) => live && setDb({ failed: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [ready]);

  // The drug catalogue (FEST) loads once per window, in the background from here on: the checks are then
  // usually ready before the first patient is opened, and opening one never waits for the parse.
  useEffect(() => {
    if (db === 'ready') preloadCatalogue();
  }, [db]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{nb.app.name}</span>
          <span className="brand-tagline">{nb.app.tagline}</span>
        </div>
        <SessionBar />
      </header>
      <main className="app-main" id="main">
        {db === 'opening' ? (
          <p className="status" role="status">{nb.app.loading}</p>
        ) : typeof db === 'object' ? (
          <div className="status status-error" role="alert">
            <h1>{nb.app.startupFailed}</h1>
            <p>{nb.errors.localDb}</p>
            <p>{nb.storage.openFailedWhy}</p>
            <ol data-testid="startup-what-to-do">
              {nb.storage.openFailedWhat.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
            <p className="detail">{db.failed}</p>
          </div>
        ) : !userId ? (
          <UserPicker />
        ) : (
          <SecureShell>
            <h1 className="visually-hidden">{nb.app.tagline}</h1>
            <PatientSearch />
            <PatientView />
          </SecureShell>
        )}
      </main>
    </div>
  );
}
