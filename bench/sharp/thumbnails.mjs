// The worker's three default variants of every photo in a directory, made by sharp (libvips):
// thumb 150x150 centre crop, small 320 px wide, medium longest edge 1024 px, JPEG quality 85, EXIF
// orientation applied, never upscaled. Reads each original from disk and writes each variant to
// disk, as the worker does. Runs `--threads N` photos at a time with sharp.concurrency(1), so that
// N is the number of threads doing image work, as for the Java runs it is compared with.
//
// node thumbnails.mjs --threads N --in DIR --out DIR
// prints one line of JSON: {"photos": n, "millis": elapsed from the first read to the last write}
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

function option(name) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error('usage: node thumbnails.mjs --threads N --in DIR --out DIR (missing --' + name + ')');
    process.exit(2);
  }
  return process.argv[i + 1];
}

const threads = Number(option('threads'));
if (!Number.isInteger(threads) || threads < 1) {
  console.error('--threads must be a whole number >= 1, was ' + option('threads'));
  process.exit(2);
}
const input = option('in');
const output = option('out');
sharp.concurrency(1);
sharp.cache(false);

const variants = [
  ['thumb', (s) => s.resize(150, 150, { fit: 'cover', position: 'centre', withoutEnlargement: true })],
  ['small', (s) => s.resize({ width: 320, withoutEnlargement: true })],
  ['medium', (s) => s.resize(1024, 1024, { fit: 'inside', withoutEnlargement: true })],
];

async function render(name) {
  const bytes = await readFile(join(input, name));
  const dir = join(output, name);
  await mkdir(dir, { recursive: true });
  for (const [variant, resize] of variants) {
    await resize(sharp(bytes).rotate()).jpeg({ quality: 85 }).toFile(join(dir, variant + '.jpg'));
  }
}

const names = (await readdir(input)).sort();
const start = process.hrtime.bigint();
let next = 0;
await Promise.all(Array.from({ length: threads }, async () => {
  while (next < names.length) {
    await render(names[next++]);
  }
}));
const millis = Number(process.hrtime.bigint() - start) / 1e6;
console.log(JSON.stringify({ photos: names.length, millis }));
