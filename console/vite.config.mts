import { defineConfig } from 'vite';

// The console is a static single-page app: `npm run console:build` writes console/dist, which `npm start` serves
// at / and the console stack uploads to S3 behind CloudFront. Routes live in the address's fragment (#/payments),
// so any file host serves every page from index.html.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  oxc: { jsx: { runtime: 'automatic' } },
});
