import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The admin console, served by Tenantry at /console. `npm run build` writes it to dist/console;
 * `npm run console:dev` serves it with hot reload, proxying the API to a Tenantry on :3000.
 */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Every byte comes from Tenantry itself; the CSP allows nothing else.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/graphql': 'http://localhost:3000',
      '/console/auth': 'http://localhost:3000',
    },
  },
});
