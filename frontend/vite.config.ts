import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build lands in ../static/app with fixed names so Django templates can load it
// without a manifest: templates/base.html includes app/app.js and app/app.css.
// bench.html (+ bench.js) is the designer canvas under the canvas benchmark (src/bench.tsx).
export default defineConfig({
  plugins: [react()],
  // Relative, so lazily loaded chunks (and their preloads) resolve next to app.js wherever STATIC_URL is.
  base: "./",
  build: {
    outDir: "../static/app",
    emptyOutDir: true,
    cssCodeSplit: false,
    rollupOptions: {
      input: { app: "src/main.tsx", bench: "bench.html" },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: (info) => (info.names?.some((n) => n.endsWith(".css")) ? "app.css" : "assets/[name]-[hash][extname]"),
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
  },
});
