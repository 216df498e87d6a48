import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The host serves the built app from its wwwroot; in development Vite serves it and proxies the API.
const devHost = 'http://127.0.0.1:5080';
// `vite preview` (used by the browser journeys) proxies to a host given by ORBIT_API_URL.
const previewHost = process.env.ORBIT_API_URL ?? devHost;

const proxyTo = (target: string) => ({
  '/api': { target, changeOrigin: false },
  '/health': { target, changeOrigin: false },
  '/openapi': { target, changeOrigin: false },
});

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: '../Host/wwwroot',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: { port: 5173, strictPort: true, proxy: proxyTo(devHost) },
  preview: { proxy: proxyTo(previewHost) },
});
