import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The host serves the built app from its wwwroot. `vite` (dev) and `vite preview` (browser journeys) serve it
// themselves and proxy the API to a host: http://127.0.0.1:5080 by default, or ORBIT_API_URL (e.g. your own
// host port on a shared machine).
const apiTarget = process.env.ORBIT_API_URL ?? 'http://127.0.0.1:5080';
const proxy = {
  '/api': { target: apiTarget },
  '/health': { target: apiTarget },
  '/openapi': { target: apiTarget },
};

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: '../Host/wwwroot',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: { port: 5173, proxy },
  preview: { proxy },
});
