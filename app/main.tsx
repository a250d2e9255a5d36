// Entry point: starts the engine Worker (so the adapter is known early), applies the remembered
// theme and renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getEngine } from './engine-client';
import { useStore } from './store';
import { applyTheme } from './store/ui-slice';
import './styles.css';

getEngine();
applyTheme(useStore.getState().theme); // before the first paint, so a chosen theme never flashes

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
