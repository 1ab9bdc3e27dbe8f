// Build and dev-server config for the browser UI. `npm run build:web` writes
// web/dist, which the Fastify server serves; `npx vite --config
// web/vite.config.ts` serves the UI with hot reload and forwards /api to a
// running server (SIEVEWRIGHT_API, default http://127.0.0.1:8080). The build
// writes .br and .gz copies of its text files for the server to send.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { precompress } from './precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.SIEVEWRIGHT_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    // The bench reads it to tell the first-load bundle from lazy chunks.
    manifest: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': api,
      '/readyz': api,
    },
  },
});
