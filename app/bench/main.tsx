// Entry point of the benchmark page (bench.html): the suite runs in its own worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { applyTheme, storedTheme } from '../store/ui-slice';
import { BenchPage } from './BenchPage';
import '../styles.css';
import './bench.css';

applyTheme(storedTheme());
const root = document.getElementById('root');
if (!root) throw new Error('bench.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <BenchPage />
  </StrictMode>,
);
