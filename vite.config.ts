// Vite: React for the UI, ES-module workers (the engine runs in src/worker.ts), WGSL imported with ?raw.
// Third-party code goes into its own chunks (React; recharts and the rest), cached across releases.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rolldownOptions: {
      // Two pages: the playground and the benchmark page (bench.html).
      input: { main: 'index.html', bench: 'bench.html' },
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/ },
          ],
        },
      },
    },
  },
});
