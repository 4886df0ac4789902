// Writes .br and .gz beside every .js and .wasm of the built apps, so the
// server can send them precompressed, and prints each bundle's sizes.
//   node scripts/compress-bundles.mjs [site-root] [app …]   (default: all three)
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const site = process.argv[2] ?? "target/site";
const apps = process.argv.length > 3 ? process.argv.slice(3) : ["customer", "bartender", "admin"];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const app of apps) {
  const dir = join(site, app, "pkg");
  let raw = 0, gz = 0, br = 0;
  for (const file of readdirSync(dir).filter((f) => /\.(js|wasm)$/.test(f))) {
    const data = readFileSync(join(dir, file));
    const gzip = gzipSync(data, { level: 9 });
    const brotli = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    writeFileSync(join(dir, `${file}.gz`), gzip);
    writeFileSync(join(dir, `${file}.br`), brotli);
    raw += data.length; gz += gzip.length; br += brotli.length;
  }
  console.log(`app-${app}: wasm + js ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
}
