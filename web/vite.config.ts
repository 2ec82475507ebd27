import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The dashboard is plain Preact + TypeScript: esbuild compiles the JSX, so no
// framework plugin is needed. `base: './'` makes every asset path relative,
// so the bundle can be served from `/` (or any prefix) by `xpuplan serve`.
const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // The default portfolio is imported from examples/ in the repository.
    fs: { allow: [repo] },
    proxy: { '/api': { target: process.env.XPUPLAN_API ?? 'http://127.0.0.1:8787', changeOrigin: false } },
  },
});
