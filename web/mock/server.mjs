#!/usr/bin/env node
// A development and test server for the dashboard: serves web/dist and
// answers the API (docs/api/openapi.json) from the fixtures the real CLI made
// (web/fixtures/, see regenerate.sh). Plain Node, no dependencies.
//
//   node mock/server.mjs [--port 8787] [--host 127.0.0.1] [--dist DIR]
//                        [--no-simulate] [--job-scale 1] [--max-running 1] [--api-only]
//
// It does not compute anything: every answer is a fixture, chosen by the
// request's kind (a train compare gets the train fixture, whatever the
// model). What it does do like the real server: the routes and their methods
// (404, 405), body limits (413), media types (415), request checks with the
// CLI's messages located by JSON pointer (400), long jobs with a queue,
// progress, Server-Sent Events and cancel, and a 400 for any portfolio that
// contains the word "bad". The header X-Mock-Fixture names the file answered.
// The first line it prints is "xpuplan mock listening on URL".
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pointerAt, toPointer } from './yaml-locate.mjs';
import { simulateExample } from './simulate-example.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures');
const contractFile = path.resolve(here, '../../docs/api/openapi.json');

// --- options -----------------------------------------------------------------

function parseArgs(argv) {
  const o = { port: 8787, host: '127.0.0.1', dist: path.resolve(here, '../dist'), simulate: true, jobScale: 1, maxRunning: 1, apiOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: needs a value`);
      return argv[++i];
    };
    if (a === '--port') o.port = Number(next());
    else if (a === '--host') o.host = next();
    else if (a === '--dist') o.dist = path.resolve(next());
    else if (a === '--no-simulate') o.simulate = false;
    else if (a === '--job-scale') o.jobScale = Number(next());
    else if (a === '--max-running') o.maxRunning = Number(next());
    else if (a === '--api-only') o.apiOnly = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node mock/server.mjs [--port N (0: any free port)] [--host H] [--dist DIR] [--no-simulate] [--job-scale X] [--max-running N] [--api-only]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.port) || o.port < 0) throw new Error('--port: expected a port number');
  if (!(o.jobScale > 0)) throw new Error('--job-scale: expected a positive number');
  return o;
}

// --- fixtures ----------------------------------------------------------------

const readJson = (name) => JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8'));
const readText = (name) => fs.readFileSync(path.join(fixtures, name), 'utf8');

function loadFixtures() {
  const f = {
    catalog: readJson('catalog.json'),
    systems: readJson('systems.json'),
    models: readJson('models.json'),
    prices: readJson('prices.json'),
    purchase: readJson('prices_purchase.json'),
    train: readJson('train.json'),
    trainLayout: readJson('train_layout.json'),
    infer: readJson('infer.json'),
    compareTrain: readJson('compare_train.json'),
    compareInfer: readJson('compare_infer.json'),
    validate: readJson('validate.json'),
    plan: readJson('plan.json'),
    simulate: readJson('simulate.json'),
    planBad: readJson('plan_bad.json'),
    portfolioBad: readText('portfolio_bad.yaml'),
    modelImport: readJson('models_import.json'),
    hfConfig: readJson('hf_config.json'),
    claims: readText('claims.md'),
    exports: Object.fromEntries(['kueue', 'slurm', 'skypilot'].map((x) => [x, readJson(`export_${x}.json`)])),
    index: readJson('index.json'),
    details: new Map(),
    contract: JSON.parse(fs.readFileSync(contractFile, 'utf8')),
  };
  for (const a of f.catalog.accelerators) {
    const file = path.join(fixtures, 'catalog', `${a.key}.json`);
    if (fs.existsSync(file)) f.details.set(a.key, JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return f;
}

// --- near misses and the CLI's messages ----------------------------------------

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function nearMiss(word, known) {
  let best = null, bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) { best = k; bestD = d; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

class BadRequest extends Error {
  constructor(diagnostics) {
    super('bad request');
    this.diagnostics = diagnostics;
  }
}

const diag = (pointer, message, where = 'body') => ({ in: where, pointer, severity: 'error', message });

// --- request checks (the CLI's rules for flags, a subset) ----------------------

// A field the request schema does not have (docs/api/openapi.json), with the near miss.
function unknownFields(f, body, schema, problems) {
  const known = Object.keys(f.contract.components.schemas[schema].properties);
  for (const k of Object.keys(body)) {
    if (!known.includes(k)) problems.push(diag(`/${k}`, `unknown field '${k}'${nearMiss(k, known)}`));
  }
}

const PRECISIONS = ['bf16', 'fp16', 'fp8', 'fp4', 'int8'];
const TERMS = ['on-demand', 'spot', '1y', '3y', 'capacity-block', 'owned'];

function checkCount(body, key, problems) {
  const v = body[key];
  if (v === undefined) return;
  const ok = (typeof v === 'number' && v > 0) || (typeof v === 'string' && /^\s*\d+(\.\d+)?(e\d+)?\s*[kKMBGT]?\s*$/.test(v));
  if (!ok) problems.push(diag(`/${key}`, `expected a positive count such as 15T, 2.5e12 or 300B; got '${v}'`));
}

function checkDuration(body, key, problems) {
  const v = body[key];
  if (v === undefined) return;
  if (typeof v !== 'string' || /^\s*[\d.eE+-]+\s*$/.test(v)) {
    problems.push(diag(`/${key}`, `'${v}' has no unit; write it with one (e.g. '${v} ms')`));
  } else if (!/^\s*\d+(\.\d+)?\s*(ms|s|min|h|days?|d|weeks?)\s*$/.test(v)) {
    problems.push(diag(`/${key}`, `expected a time such as '40 ms', '1 s' or '90 days'; got '${v}'`));
  }
}

function checkKnown(f, body, problems, { accelerator = false } = {}) {
  const models = f.models.models.map((m) => m.key);
  const accs = f.catalog.accelerators.map((a) => a.key);
  const systems = f.systems.systems.map((s) => s.key);
  if (typeof body.model === 'string' && !models.includes(body.model)) {
    problems.push(diag('/model', `unknown model '${body.model}'${nearMiss(body.model, models)}; give a shipped key (GET /api/models) or a Hugging Face config.json object`));
  } else if (body.model === undefined) problems.push(diag('/model', 'required: a model key or a Hugging Face config.json object'));
  if (accelerator) {
    if (typeof body.accelerator !== 'string') problems.push(diag('/accelerator', 'required: an accelerator or system key'));
    else if (![...accs, ...systems].includes(body.accelerator)) {
      problems.push(diag('/accelerator', `unknown accelerator or system '${body.accelerator}'${nearMiss(body.accelerator, [...accs, ...systems])}`));
    }
  }
  if (body.precision !== undefined && !PRECISIONS.includes(body.precision)) {
    problems.push(diag('/precision', `must be one of ${PRECISIONS.join(', ')}; got '${body.precision}'${nearMiss(String(body.precision), PRECISIONS)}`));
  }
  return { accs };
}

function checkCompare(f, body) {
  const problems = [];
  unknownFields(f, body, 'CompareRequest', problems);
  const { accs } = checkKnown(f, body, problems);
  if (body.train && body.infer) problems.push(diag('/infer', '--train and --infer exclude each other'));
  else if (!body.train && !body.infer) problems.push(diag('/train', 'give train: true or infer: true'));
  if (body.train) {
    if (body.tokens === undefined) problems.push(diag('/tokens', 'training needs the tokens to train, e.g. 15T'));
    if (body.chips === undefined && body.deadline === undefined) problems.push(diag('/chips', 'give chips N, or a deadline to find the fewest chips'));
    if (body.chips !== undefined && !(Number.isInteger(body.chips) && body.chips > 0)) problems.push(diag('/chips', `expected a positive whole number of chips; got '${body.chips}'`));
  }
  if (body.infer && body.rate === undefined) problems.push(diag('/rate', 'serving needs a request rate, e.g. rate: 20'));
  for (const k of ['tokens', 'rate', 'input_len', 'output_len']) checkCount(body, k, problems);
  for (const k of ['ttft_slo', 'tpot_slo', 'deadline']) checkDuration(body, k, problems);
  if (body.term !== undefined && !TERMS.includes(body.term)) {
    problems.push(diag('/term', `must be one of ${TERMS.join(', ')}; got '${body.term}'${nearMiss(String(body.term), TERMS)}`));
  }
  if (body.baseline !== undefined && !accs.includes(body.baseline)) {
    problems.push(diag('/baseline', `unknown accelerator '${body.baseline}'${nearMiss(String(body.baseline), accs)}`));
  }
  const list = typeof body.accelerators === 'string' ? body.accelerators.split(',').map((s) => s.trim()) : body.accelerators;
  (list ?? []).forEach((a, i) => {
    if (!accs.includes(a)) {
      problems.push(diag(typeof body.accelerators === 'string' ? '/accelerators' : `/accelerators/${i}`, `unknown accelerator '${a}'${nearMiss(a, accs)}`));
    }
  });
  for (const k of ['pue', 'utilization', 'life']) {
    if (body[k] !== undefined && !(typeof body[k] === 'number' && body[k] > 0)) problems.push(diag(`/${k}`, `expected a positive number; got '${body[k]}'`));
  }
  if (problems.length) throw new BadRequest(problems);
  return body.train ? ['compare_train.json', f.compareTrain] : ['compare_infer.json', f.compareInfer];
}

function checkTrain(f, body) {
  const problems = [];
  unknownFields(f, body, 'TrainRequest', problems);
  checkKnown(f, body, problems, { accelerator: true });
  if (!(Number.isInteger(body.chips) && body.chips > 0)) problems.push(diag('/chips', `required: a positive whole number of chips; got '${body.chips}'`));
  checkCount(body, 'tokens', problems);
  if (problems.length) throw new BadRequest(problems);
  // The layout fixture answers the request it was made for; anything else gets the search fixture.
  return body.accelerator === f.trainLayout.system && body.tp !== undefined ? ['train_layout.json', f.trainLayout] : ['train.json', f.train];
}

function checkInfer(f, body) {
  const problems = [];
  unknownFields(f, body, 'InferRequest', problems);
  checkKnown(f, body, problems, { accelerator: true });
  for (const k of ['rate', 'input_len', 'output_len']) checkCount(body, k, problems);
  for (const k of ['ttft_slo', 'tpot_slo']) checkDuration(body, k, problems);
  if (problems.length) throw new BadRequest(problems);
  return ['infer.json', f.infer];
}

// The portfolio: any text or object containing "bad" is bad. The fixture's bad
// portfolio gets the real CLI's diagnostics; any other gets one located at the word.
function checkPortfolio(f, portfolio) {
  if (typeof portfolio === 'string') {
    if (portfolio === f.portfolioBad) return f.planBad.diagnostics;
    const lines = portfolio.split(/\r?\n/);
    const out = [];
    lines.forEach((l, i) => {
      const col = l.search(/bad/i);
      if (col < 0 || /^\s*#/.test(l)) return;
      const value = l.slice(col).split(/[\s,\]}]/)[0];
      out.push({ in: 'portfolio', pointer: pointerAt(portfolio, i + 1, col + 1), line: i + 1, column: col + 1, severity: 'error',
        message: `'${value}' is not valid here (the mock server answers 400 for any portfolio containing the word 'bad')` });
    });
    if (!out.length && !/^\s*workloads\s*:/m.test(portfolio)) {
      out.push({ in: 'portfolio', pointer: '', line: 1, column: 1, severity: 'error', message: "a portfolio needs 'workloads:' (docs/portfolio.md)" });
    }
    return out;
  }
  if (portfolio && typeof portfolio === 'object') {
    const out = [];
    const walk = (v, at) => {
      if (typeof v === 'string' && /bad/i.test(v)) out.push({ in: 'portfolio', pointer: toPointer(at), severity: 'error', message: `'${v}' is not valid here (the mock server answers 400 for any portfolio containing the word 'bad')` });
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, Array.isArray(v) ? Number(k) : k]);
    };
    walk(portfolio, []);
    return out;
  }
  return [diag('/portfolio', 'required: the portfolio, as YAML text or a JSON object')];
}

// --- jobs ----------------------------------------------------------------------

const STAGES = {
  compare: [['evaluating accelerators', 0.7], ['sensitivity', 0.3]],
  plan: [['reading the portfolio', 0.05], ['estimating rates', 0.3], ['solving the MILP', 0.4], ['checking the plan', 0.05], ['baselines and what binds', 0.2]],
  simulate: [['planning', 0.2], ['replicas', 0.7], ['summarizing', 0.1]],
};
const DURATION_MS = { compare: 1200, plan: 3500, simulate: 3000 };

class Jobs {
  constructor(opts) {
    this.opts = opts;
    this.jobs = new Map();
    this.queue = [];
    this.running = new Set();
  }

  submit(kind, make) {
    const id = crypto.randomBytes(6).toString('hex');
    const job = { id, kind, status: 'queued', queue_position: 0, progress: { fraction: 0, message: 'queued' }, created: new Date().toISOString(), make, listeners: new Set() };
    this.jobs.set(id, job);
    this.queue.push(job);
    this.pump();
    this.positions();
    return job;
  }

  positions() {
    this.queue.forEach((j, i) => {
      const pos = i + 1;
      if (j.queue_position !== pos) {
        j.queue_position = pos;
        j.progress = { fraction: 0, message: `queued: ${pos} in line` };
        this.emit(j);
      }
    });
  }

  pump() {
    while (this.running.size < this.opts.maxRunning && this.queue.length) {
      const job = this.queue.shift();
      this.start(job);
    }
    this.positions();
  }

  start(job) {
    this.running.add(job);
    job.status = 'running';
    job.queue_position = 0;
    job.started = new Date().toISOString();
    const total = DURATION_MS[job.kind] * this.opts.jobScale;
    const t0 = Date.now();
    const tick = () => {
      const f = Math.min(1, (Date.now() - t0) / total);
      let acc = 0, message = STAGES[job.kind][0][0];
      for (const [name, share] of STAGES[job.kind]) {
        if (f >= acc) message = name;
        acc += share;
      }
      if (f >= 1) return this.finish(job);
      job.progress = { fraction: Math.round(f * 1000) / 1000, message };
      this.emit(job);
      job.timer = setTimeout(tick, 150);
    };
    tick();
  }

  finish(job) {
    this.running.delete(job);
    try {
      job.result = job.make();
      job.status = 'done';
      job.progress = { fraction: 1, message: 'done' };
    } catch (e) {
      job.status = 'failed';
      job.error = String(e?.message ?? e);
      job.progress = { fraction: 1, message: 'failed' };
    }
    job.finished = new Date().toISOString();
    this.emit(job);
    this.pump();
  }

  cancel(job) {
    if (job.status === 'queued') this.queue.splice(this.queue.indexOf(job), 1);
    if (job.status === 'running') {
      clearTimeout(job.timer);
      this.running.delete(job);
    }
    if (job.status === 'queued' || job.status === 'running') {
      job.status = 'cancelled';
      job.queue_position = 0;
      job.progress = { fraction: job.progress.fraction, message: 'cancelled' };
      job.finished = new Date().toISOString();
      this.emit(job);
      this.pump();
      return job;
    }
    this.jobs.delete(job.id); // a finished job is forgotten
    return job;
  }

  view(job, withResult = true) {
    const out = { id: job.id, kind: job.kind, status: job.status, queue_position: job.queue_position, progress: job.progress, created: job.created };
    if (job.started) out.started = job.started;
    if (job.finished) out.finished = job.finished;
    if (withResult && job.result !== undefined) out.result = job.result;
    if (job.error) out.error = job.error;
    if (job.diagnostics) out.diagnostics = job.diagnostics;
    return out;
  }

  event(job) {
    const terminal = ['done', 'failed', 'cancelled'].includes(job.status);
    const data = JSON.stringify({ id: job.id, status: job.status, queue_position: job.queue_position, progress: job.progress });
    return { terminal, text: `event: ${terminal ? 'done' : 'progress'}\ndata: ${data}\n\n` };
  }

  emit(job) {
    const { terminal, text } = this.event(job);
    for (const res of job.listeners) {
      res.write(text);
      if (terminal) res.end();
    }
    if (terminal) job.listeners.clear();
  }
}

// --- HTTP plumbing -----------------------------------------------------------------

const BODY_LIMIT = 4 * 1024 * 1024;

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// A body over the limit is read to its end and dropped (so the client gets the
// 413 instead of a reset connection), then answered 413.
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > BODY_LIMIT;
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_LIMIT) tooLarge = true;
      if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => (tooLarge ? reject(Object.assign(new Error('too large'), { status: 413 })) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const mediaType = (req) => String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

function parseJsonBody(text, { optional = false } = {}) {
  if (!text.trim()) {
    if (optional) return undefined;
    throw new BadRequest([diag('', 'the body is empty; send a JSON object')]);
  }
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BadRequest([diag('', 'the body must be a JSON object')]);
    return v;
  } catch (e) {
    if (e instanceof BadRequest) throw e;
    const m = /position (\d+)/.exec(e.message);
    let line = 1, column = 1;
    if (m) {
      const before = text.slice(0, Number(m[1]));
      line = before.split('\n').length;
      column = Number(m[1]) - before.lastIndexOf('\n');
    }
    throw new BadRequest([{ in: 'body', pointer: '', line, column, severity: 'error', message: `invalid JSON: ${e.message}` }]);
  }
}

function requireMedia(req, allowed) {
  const t = mediaType(req);
  if (!allowed.includes(t)) {
    throw Object.assign(new Error(`this route takes ${allowed.join(' or ')}, not '${t || 'no Content-Type'}'`), { status: 415 });
  }
  return t;
}

const STATIC_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json', '.woff2': 'font/woff2' };

function serveStatic(opts, req, res, pathname) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    return res.end('method not allowed\n');
  }
  const rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  const file = path.resolve(opts.dist, '.' + rel);
  if (!file.startsWith(opts.dist + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    if (pathname === '/' || pathname === '/index.html') {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      return res.end(`no dashboard build in ${opts.dist}: run 'npm run build' in web/\n`);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('not found\n');
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, { 'Content-Type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// --- routes ---------------------------------------------------------------------------

function makeRoutes(opts, f, jobs) {
  const contract = JSON.parse(fs.readFileSync(contractFile, 'utf8'));
  if (!opts.simulate) delete contract.paths['/api/jobs/simulate'];
  const kinds = ['compare', 'plan', ...(opts.simulate ? ['simulate'] : [])];
  const fixtureHeader = (name) => ({ 'X-Mock-Fixture': name });

  const jobOf = (id) => {
    const job = jobs.jobs.get(id);
    if (!job) throw Object.assign(new Error(`no job '${id}' (unknown, or finished and forgotten)`), { status: 404 });
    return job;
  };
  const accepted = (res, job) => send(res, 202, { id: job.id, kind: job.kind, status: job.status, queue_position: job.queue_position }, { Location: `/api/jobs/${job.id}` });

  /** [pattern, { METHOD: handler(req, res, params, url) }] */
  return [
    ['/api/health', {
      GET: (req, res) => send(res, 200, {
        status: 'ok', version: 'mock (fixtures from web/fixtures/regenerate.sh)',
        data: { accelerators: f.catalog.accelerators.length, systems: f.systems.systems.length, models: f.models.models.length, offers: f.prices.offers.length },
        jobs: { kinds, running: jobs.running.size, queued: jobs.queue.length, max_running: opts.maxRunning },
        limits: { body_bytes: BODY_LIMIT, job_seconds: 600, result_ttl_s: 3600 },
      }),
    }],
    ['/api/openapi.json', { GET: (req, res) => send(res, 200, contract) }],
    ['/api/catalog', {
      GET: (req, res, p, url) => {
        const vendor = url.searchParams.get('vendor');
        let list = f.catalog.accelerators;
        if (vendor) {
          const vendors = [...new Set(list.map((a) => a.vendor))];
          if (!vendors.includes(vendor)) throw new BadRequest([diag('/vendor', `unknown vendor '${vendor}'${nearMiss(vendor, vendors)}; one of ${vendors.join(', ')}`, 'query')]);
          list = list.filter((a) => a.vendor === vendor);
        }
        send(res, 200, { accelerators: list }, fixtureHeader('catalog.json'));
      },
    }],
    ['/api/catalog/{key}', {
      GET: (req, res, { key }) => {
        if (f.details.has(key)) return send(res, 200, f.details.get(key), fixtureHeader(`catalog/${key}.json`));
        const sys = f.systems.systems.find((s) => s.key === key);
        if (sys) return send(res, 200, sys, fixtureHeader('systems.json'));
        const keys = [...f.details.keys(), ...f.systems.systems.map((s) => s.key)];
        throw Object.assign(new Error(`unknown accelerator or system '${key}'${nearMiss(key, keys)}`), { status: 404 });
      },
    }],
    ['/api/systems', {
      GET: (req, res, p, url) => {
        const acc = url.searchParams.get('accelerator');
        send(res, 200, { systems: acc ? f.systems.systems.filter((s) => s.accelerator === acc) : f.systems.systems }, fixtureHeader('systems.json'));
      },
    }],
    ['/api/models', { GET: (req, res) => send(res, 200, f.models, fixtureHeader('models.json')) }],
    ['/api/models/import', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const body = parseJsonBody(await readBody(req));
        if (JSON.stringify(body) !== JSON.stringify(f.hfConfig)) {
          throw new BadRequest([diag('', 'the mock server knows one config.json: web/fixtures/hf_config.json', 'model')]);
        }
        send(res, 200, f.modelImport, fixtureHeader('models_import.json'));
      },
    }],
    ['/api/models/{key}', {
      GET: (req, res, { key }) => {
        const m = f.models.models.find((x) => x.key === key);
        if (!m) throw Object.assign(new Error(`unknown model '${key}'${nearMiss(key, f.models.models.map((x) => x.key))}`), { status: 404 });
        send(res, 200, m, fixtureHeader('models.json'));
      },
    }],
    ['/api/prices', {
      GET: (req, res, p, url) => {
        let offers = f.prices.offers;
        for (const k of ['accelerator', 'provider', 'term', 'region']) {
          const v = url.searchParams.get(k);
          if (v) offers = offers.filter((o) => o[k] === v);
        }
        send(res, 200, { offers }, fixtureHeader('prices.json'));
      },
    }],
    ['/api/prices/purchase', { GET: (req, res) => send(res, 200, f.purchase, fixtureHeader('prices_purchase.json')) }],
    ['/api/train', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const [name, out] = checkTrain(f, parseJsonBody(await readBody(req)));
        send(res, 200, out, fixtureHeader(name));
      },
    }],
    ['/api/infer', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const [name, out] = checkInfer(f, parseJsonBody(await readBody(req)));
        send(res, 200, out, fixtureHeader(name));
      },
    }],
    ['/api/compare', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const [name, out] = checkCompare(f, parseJsonBody(await readBody(req)));
        send(res, 200, out, fixtureHeader(name));
      },
    }],
    ['/api/validate', {
      POST: async (req, res) => {
        const text = await readBody(req);
        if (text.trim()) {
          const t = requireMedia(req, ['application/json', 'text/csv']);
          const body = t === 'application/json' ? parseJsonBody(text) : { cases: text };
          if (body.cases) throw new BadRequest([diag('', 'the mock server validates only the shipped cases (send an empty body)', 'cases')]);
        }
        send(res, 200, f.validate, fixtureHeader('validate.json'));
      },
    }],
    ['/api/claims', { GET: (req, res) => send(res, 200, { markdown: f.claims }, fixtureHeader('claims.md')) }],
    ['/api/jobs/compare', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const [, out] = checkCompare(f, parseJsonBody(await readBody(req)));
        accepted(res, jobs.submit('compare', () => out));
      },
    }],
    ['/api/jobs/plan', {
      POST: async (req, res, p, url) => {
        const t = requireMedia(req, ['application/json', 'application/yaml', 'text/yaml', 'application/x-yaml']);
        const text = await readBody(req);
        const body = t === 'application/json' ? parseJsonBody(text) : { portfolio: text, time_limit: Number(url.searchParams.get('time_limit') ?? 60) };
        const problems = checkPortfolio(f, body.portfolio);
        if (body.time_limit !== undefined && !(typeof body.time_limit === 'number' && body.time_limit > 0)) problems.push(diag('/time_limit', `expected a positive number of seconds; got '${body.time_limit}'`));
        if (problems.length) throw new BadRequest(problems);
        accepted(res, jobs.submit('plan', () => f.plan));
      },
    }],
    ...(opts.simulate ? [['/api/jobs/simulate', {
      POST: async (req, res) => {
        requireMedia(req, ['application/json']);
        const body = parseJsonBody(await readBody(req));
        const problems = checkPortfolio(f, body.portfolio);
        const policies = ['static', 'failover', 'ordered', 'replan'];
        (body.policy ?? []).forEach((x, i) => {
          if (!policies.includes(x)) problems.push(diag(`/policy/${i}`, `unknown policy '${x}'${nearMiss(String(x), policies)}; one of ${policies.join(', ')}`));
        });
        if (body.replicas !== undefined && !(Number.isInteger(body.replicas) && body.replicas >= 1)) problems.push(diag('/replicas', `must be at least 1, got '${body.replicas}'`));
        if (body.seed !== undefined && !/^\d+$/.test(String(body.seed))) problems.push(diag('/seed', `must be a whole number from 0 to 2^64-1, got '${body.seed}'`));
        for (const doc of ['plan', 'risks']) {
          if (body[doc] !== undefined && typeof body[doc] !== 'string') problems.push(diag(`/${doc}`, "expected the document's text"));
        }
        if (problems.length) throw new BadRequest(problems);
        accepted(res, jobs.submit('simulate', () => simulateExample(f.simulate, body)));
      },
    }]] : []),
    ['/api/jobs/{id}', {
      GET: (req, res, { id }) => send(res, 200, jobs.view(jobOf(id))),
      DELETE: (req, res, { id }) => send(res, 200, jobs.view(jobs.cancel(jobOf(id)))),
    }],
    ['/api/jobs/{id}/events', {
      GET: (req, res, { id }) => {
        const job = jobOf(id);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        const { terminal, text } = jobs.event(job);
        res.write(text);
        if (terminal) return res.end();
        job.listeners.add(res);
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15000);
        req.on('close', () => {
          clearInterval(keepAlive);
          job.listeners.delete(res);
        });
      },
    }],
    ['/api/jobs/{id}/export/{format}', {
      GET: (req, res, { id, format }) => {
        const job = jobOf(id);
        if (!(format in f.exports)) throw Object.assign(new Error(`unknown export format '${format}'${nearMiss(format, Object.keys(f.exports))}; one of kueue, slurm, skypilot`), { status: 404 });
        if (job.kind !== 'plan' || job.status !== 'done') throw Object.assign(new Error(`job '${id}' has no plan to export (${job.kind}, ${job.status})`), { status: 404 });
        send(res, 200, f.exports[format], fixtureHeader(`export_${format}.json`));
      },
    }],
  ];
}

function match(pattern, pathname) {
  const a = pattern.split('/'), b = pathname.split('/');
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith('{')) {
      if (!b[i]) return null;
      params[a[i].slice(1, -1)] = decodeURIComponent(b[i]);
    } else if (a[i] !== b[i]) return null;
  }
  return params;
}

export function createMockServer(userOpts = {}) {
  const opts = { ...parseArgs([]), ...userOpts };
  const f = loadFixtures();
  const jobs = new Jobs(opts);
  const routes = makeRoutes(opts, f, jobs);
  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    try {
      if (!pathname.startsWith('/api/')) {
        if (opts.apiOnly) return send(res, 404, { error: 'not found', message: 'API only' });
        return serveStatic(opts, req, res, pathname);
      }
      // Literal routes win over templates ("/api/models/import" before "/api/models/{key}").
      let hit = null;
      for (const [pattern, methods] of routes) {
        const params = match(pattern, pathname);
        if (params && (!hit || (!pattern.includes('{') && hit.pattern.includes('{')))) hit = { pattern, methods, params };
      }
      if (!hit) return send(res, 404, { error: 'not found', message: `no route ${pathname}` });
      const handler = hit.methods[req.method ?? 'GET'];
      if (!handler) {
        const allow = Object.keys(hit.methods).join(', ');
        return send(res, 405, { error: 'method not allowed', message: `${req.method} ${pathname}: allowed ${allow}` }, { Allow: allow });
      }
      await handler(req, res, hit.params, url);
    } catch (e) {
      if (res.headersSent) return res.end();
      if (e instanceof BadRequest) return send(res, 400, { error: 'bad request', diagnostics: e.diagnostics });
      if (e.status === 413) return send(res, 413, { error: 'payload too large', limit_bytes: BODY_LIMIT });
      if (e.status === 415) return send(res, 415, { error: 'unsupported media type', message: e.message });
      if (e.status === 404) return send(res, 404, { error: 'not found', message: e.message });
      const id = crypto.randomBytes(4).toString('hex');
      console.error(`[${id}]`, e);
      send(res, 500, { error: 'internal error', id });
    }
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`mock/server.mjs: ${e.message}`);
    process.exit(2);
  }
  const server = createMockServer(opts);
  server.listen(opts.port, opts.host, () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
    console.log(`xpuplan mock listening on http://${opts.host}:${port}/`);
    if (!opts.apiOnly && !fs.existsSync(path.join(opts.dist, 'index.html'))) console.log(`(no build in ${opts.dist} yet: run 'npm run build')`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
