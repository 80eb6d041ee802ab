import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { buildDemoPatients } from '../../fixtures/demo/patients';
import { App } from './app/App';
import { makeStore } from './app/store';
import { appDb } from './db/db';
import { seedOnFirstStart } from './db/seed';
import './styles.css';

const store = makeStore();
const ready = seedOnFirstStart(appDb(), () => buildDemoPatients(new Date()));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Provider store={store}>
      <App ready={ready} />
    </Provider>
  </StrictMode>,
);
