import { defineConfig } from 'vitest/config';

// No React plugin: JSX is compiled by Vite's own transformer with the automatic runtime, which is all
// this app needs (no fast refresh in production builds anyway).
export default defineConfig({
  base: './',
  build: {
    outDir: '../LocalHost/wwwroot',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // @xyflow/react marks itself "use client" for React Server Components; meaningless in this SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:7071',
      '/hubs': { target: 'http://127.0.0.1:7071', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
