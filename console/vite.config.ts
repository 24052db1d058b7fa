/** The console's build: static files in console/dist, served by `orchestra up` at "/" (relative URLs, no CDN). */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The layout engine (elkjs, ~1.4 MB) is its own chunk, loaded on run pages from the local server.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 1600 },
  logLevel: 'warn',
});
