/**
 * After `vite build`: a gzipped copy (`.gz`, level 9) beside each text file of `dist/` that
 * gzip makes smaller, which the API sends to browsers that accept gzip (tower-http's
 * `precompressed_gzip`). Compressing once at build time costs the server nothing per request
 * and needs no compression crate in the Rust build; the widget's frame goes from 80 KB to 27 KB
 * on the wire (BENCHMARKS.md, sixth pass).
 */

import { readFile, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gzipSync } from "node:zlib";

const DIST = resolve(fileURLToPath(new URL(".", import.meta.url)), "../dist");
const TEXT = /\.(js|mjs|css|html|svg|json|map|txt)$/;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (TEXT.test(entry.name)) yield path;
  }
}

let [count, before, after] = [0, 0, 0];
for await (const path of files(DIST)) {
  const raw = await readFile(path);
  const gzipped = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  if (gzipped.length >= raw.length) continue;
  await writeFile(`${path}.gz`, gzipped);
  [count, before, after] = [count + 1, before + raw.length, after + gzipped.length];
}
console.log(`precompressed ${count} files: ${(before / 1024).toFixed(1)} KB → ${(after / 1024).toFixed(1)} KB gzipped`);
