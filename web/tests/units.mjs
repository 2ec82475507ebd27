// Unit checks of the pieces the views rely on: number formatting, the zip
// writer and the YAML locator of the mock. The TypeScript modules are
// compiled on the fly with esbuild (Vite's own compiler), nothing is bundled.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { pointerAt, diagnosticsFromCli } from '../mock/yaml-locate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xpuplan-units-'));

async function importTs(rel) {
  const src = fs.readFileSync(path.join(here, '..', rel), 'utf8');
  const out = path.join(tmp, path.basename(rel).replace(/\.ts$/, '.mjs'));
  fs.writeFileSync(out, transformSync(src, { loader: 'ts', format: 'esm' }).code);
  return import(pathToFileURL(out).href);
}

describe('units', () => {
  test('numbers read as people write them', async () => {
    const f = await importTs('src/lib/format.ts');
    assert.equal(f.money(4.95e6), '$4.95M');
    assert.equal(f.money(-1200), '-$1.2k');
    assert.equal(f.money(23.7032e6), '$23.7M');
    assert.equal(f.money(999_600), '$1M');
    assert.equal(f.money(31.2), '$31.2');
    assert.equal(f.money(0.456953), '$0.457');
    assert.equal(f.money(0), '$0');
    assert.equal(f.money(null), '–');
    assert.equal(f.int(1234), '1,234');
    assert.equal(f.chips(282.017), '282');
    assert.equal(f.chips(24.4168), '24.4');
    assert.equal(f.num(2272.38, 4), '2,272');
    assert.equal(f.num(0.0704), '0.0704');
    assert.equal(f.pct(0.516548), '51.7%');
    assert.equal(f.signedPct(-18.0374, 3), '-18%');
    assert.equal(f.signedPct(4.2), '+4.2%');
    assert.equal(f.duration(12875800), '149 days');
    assert.equal(f.duration(0.0309986), '31 ms');
  });

  test('the zip writer: CRC-32 check value and a stored archive', async () => {
    const z = await importTs('src/lib/zip.ts');
    assert.equal(z.crc32(new TextEncoder().encode('123456789')), 0xcbf43926); // the standard check value
    const blob = z.zipFiles({ 'kueue/2027-01.yaml': 'a: 1\n', 'kueue/2027-02.yaml': 'b: 2\n' });
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(bytes.readUInt32LE(0), 0x04034b50);
    const end = bytes.length - 22;
    assert.equal(bytes.readUInt32LE(end), 0x06054b50);
    assert.equal(bytes.readUInt16LE(end + 10), 2, 'two entries');
    const dirOffset = bytes.readUInt32LE(end + 16);
    assert.equal(bytes.readUInt32LE(dirOffset), 0x02014b50, 'the central directory is where the end record says');
  });

  test('the YAML locator finds the pointer of a line and column', () => {
    const text = ['horizon: {start: 2027-01, months: 4}', 'offers:', '  - offer: a', '    capacity: [64, 64, 64]', 'workloads:', '  - name: run', '    tokens: lots', '  - name: chat', '    demand: 40', 'policy:', '  min_vendors: 0'].join('\n');
    assert.equal(pointerAt(text, 1, 28), '/horizon/months');
    assert.equal(pointerAt(text, 4, 23), '/offers/0/capacity/2');
    assert.equal(pointerAt(text, 7, 13), '/workloads/0/tokens');
    assert.equal(pointerAt(text, 9, 13), '/workloads/1/demand');
    assert.equal(pointerAt(text, 11, 16), '/policy/min_vendors');
    const d = diagnosticsFromCli("p.yaml:7:13: error: workload 'run': tokens: expected a positive count\nnot a diagnostic", text, 'portfolio');
    assert.deepEqual(d, [{ in: 'portfolio', pointer: '/workloads/0/tokens', line: 7, column: 13, severity: 'error', message: "workload 'run': tokens: expected a positive count" }]);
  });
});
