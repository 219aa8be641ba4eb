import { defineConfig } from 'vitest/config';

// No React plugin: Vite's built-in esbuild transform handles TSX with the
// automatic JSX runtime, which is all this app needs (no fast refresh).
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev` talks (API and WebDAV) to a server started with ATRIUM_DEV_API (default: the stub on 18090).
    proxy: {
      '/api': {
        target: process.env.ATRIUM_DEV_API ?? 'http://127.0.0.1:18090',
        changeOrigin: false,
        secure: false,
      },
      '/remote.php': {
        target: process.env.ATRIUM_DEV_API ?? 'http://127.0.0.1:18090',
        changeOrigin: false,
        secure: false,
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
