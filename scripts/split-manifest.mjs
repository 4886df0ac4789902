// Reads cargo-leptos' `--split` output of one app, for the bundle report
// (compress-bundles.mjs) and the browser tests that check what each page
// fetches.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The script that loads chunks, beside the main bundle of a split app. */
export const SPLIT_LOADER = "__wasm_split.______________________.js";

/** The chunks each group of lazily loaded pages (`ui::lazy_pages!`) of
 *  the app in `pkgDir` needs: the manifest's keys are the groups' names,
 *  its chunk names are given their file names. Empty for an app built
 *  whole. */
export function chunksByPage(pkgDir) {
  const file = join(pkgDir, "__wasm_split_manifest.json");
  if (!existsSync(file)) return new Map();
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  return new Map(
    Object.entries(manifest)
      .map(([group, chunks]) => [group, chunks.map((c) => `${c}.wasm`)])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
