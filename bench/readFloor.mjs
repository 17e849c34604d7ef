// The read floor: a bare Node process that reads the files a scan reads (a list, one absolute
// path per line) as UTF-8 text and does nothing else. No scan in Node can be faster than this,
// so `npm run bench` puts its time beside the scan's and ripgrep's: what start-up and reading
// cost, and what the analysis adds on top.
//
//   node bench/readFloor.mjs LIST
import { readFileSync } from 'node:fs';

let files = 0;
let chars = 0;
for (const file of readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!file) continue;
  chars += readFileSync(file, 'utf8').length;
  files++;
}
// Printed: the bench checks that every file was read (and the reads are used, not optimized away).
console.log(files, chars);
