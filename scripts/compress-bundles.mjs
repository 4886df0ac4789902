// Writes .br and .gz beside every .js and .wasm of the built apps, so the
// server can send them precompressed, and prints each bundle's sizes: in
// all, and what each page needs before it can be used (the main bundle,
// the chunk loader and the page's own chunks, from cargo-leptos' split
// manifest), brotli.
//   node scripts/compress-bundles.mjs [site-root] [app …]   (default: all three)
//   --chunks also lists every chunk with its brotli size.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SPLIT_LOADER as SPLIT_JS, chunksByPage } from "./split-manifest.mjs";

const args = process.argv.slice(2).filter((a) => a !== "--chunks");
const listChunks = process.argv.includes("--chunks");
const site = args[0] ?? "target/site";
const apps = args.length > 1 ? args.slice(1) : ["customer", "bartender", "admin"];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const app of apps) {
  const dir = join(site, app, "pkg");
  let raw = 0, gz = 0, br = 0;
  const brotliOf = new Map();
  for (const file of readdirSync(dir).filter((f) => /\.(js|wasm)$/.test(f))) {
    const data = readFileSync(join(dir, file));
    const gzip = gzipSync(data, { level: 9 });
    const brotli = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    writeFileSync(join(dir, `${file}.gz`), gzip);
    writeFileSync(join(dir, `${file}.br`), brotli);
    raw += data.length; gz += gzip.length; br += brotli.length;
    brotliOf.set(file, brotli.length);
  }
  console.log(`app-${app}: wasm + js ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
  const pages = chunksByPage(dir);
  if (pages.size === 0) continue;
  const main = [`app-${app}.wasm`, `app-${app}.js`, SPLIT_JS].reduce((sum, f) => sum + (brotliOf.get(f) ?? 0), 0);
  const chunks = [...brotliOf].filter(([f]) => f.endsWith(".wasm") && f !== `app-${app}.wasm`);
  const largest = chunks.reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
  console.log(`  main bundle ${kb(brotliOf.get(`app-${app}.wasm`))} wasm + ${kb(brotliOf.get(`app-${app}.js`))} js + ${kb(brotliOf.get(SPLIT_JS) ?? 0)} chunk loader; ${chunks.length} chunks, the largest ${largest[0]} ${kb(largest[1])}`);
  if (!pages.has("login")) console.log(`  ${"login".padEnd(12)} ${kb(main).padStart(9)} to be usable (in the main bundle)`);
  for (const [page, list] of pages) {
    const own = list.reduce((sum, f) => sum + (brotliOf.get(f) ?? 0), 0);
    console.log(`  ${page.padEnd(12)} ${kb(main + own).padStart(9)} to be usable (${list.length} chunks, ${kb(own)})`);
  }
  if (listChunks) {
    console.log(`  chunks: ${chunks.sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f.replace(/\.wasm$/, "")} ${kb(n)}`).join(", ")}`);
  }
}
