// Where a line:column of a YAML text sits in the document, as a JSON pointer
// (RFC 6901): "/workloads/2/deadline". Used by the mock server and by
// fixtures/regenerate.sh to turn the CLI's "file:line:col: error: message"
// into the API's diagnostics. It reads the block style portfolios are written
// in (mappings, "- " sequences, one-line flow lists and maps); the C++ server
// takes the pointer from the YAML parser's node marks instead.

/** @param {string} s */
const escapeSegment = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

/** @param {(string|number)[]} path */
export const toPointer = (path) => path.map((p) => '/' + escapeSegment(p)).join('');

/**
 * "key: value" at the start of `text` (after indentation), or null.
 * @param {string} text
 */
function splitKey(text) {
  const m = /^("[^"]*"|'[^']*'|[^\s#'"{[\]}][^:#]*?)\s*:(\s+|$)/.exec(text);
  if (!m) return null;
  return { key: m[1].replace(/^["']|["']$/g, ''), valueAt: m[0].length };
}

/**
 * The segment a column points to inside a one-line flow value ("[1, 2, 3]" or
 * "{start: 2027-01, months: 4}"), or null when the value is not a flow.
 * @param {string} value  the value text
 * @param {number} at     0-based offset of the column inside `value`
 */
function flowSegment(value, at) {
  const open = value.trimStart()[0];
  if (open !== '[' && open !== '{') return null;
  const start = value.indexOf(open);
  if (at <= start) return null;
  let depth = 0, index = 0, itemStart = start + 1;
  for (let i = start; i < value.length && i < at; i++) {
    const ch = value[i];
    if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) { index++; itemStart = i + 1; }
  }
  if (open === '[') return index;
  const item = value.slice(itemStart).trimStart();
  const k = /^([^:,}]+):/.exec(item);
  return k ? k[1].trim() : null;
}

/**
 * JSON pointer of the node at `line`:`column` (1-based) of `text`.
 * @param {string} text
 * @param {number} line
 * @param {number} column
 * @returns {string}
 */
export function pointerAt(text, line, column) {
  /** @type {{indent: number, type: 'map'|'seq', seg: string|number}[]} */
  const stack = [];
  const lines = text.split(/\r?\n/);
  let extra = /** @type {(string|number)[]} */ ([]);
  for (let n = 0; n < lines.length && n < line; n++) {
    const raw = lines[n];
    const body = raw.replace(/\s+#.*$/, '');
    if (/^\s*(#.*)?$/.test(body)) continue;
    let col = raw.length - raw.trimStart().length;
    let rest = raw.slice(col);
    // One or more "- " sequence entries.
    while (/^-(\s|$)/.test(rest)) {
      while (stack.length && stack[stack.length - 1].indent > col) stack.pop();
      const top = stack[stack.length - 1];
      if (top && top.type === 'seq' && top.indent === col) top.seg = /** @type {number} */ (top.seg) + 1;
      else stack.push({ indent: col, type: 'seq', seg: 0 });
      const skip = rest.length - rest.slice(1).trimStart().length;
      col += skip;
      rest = rest.slice(skip);
    }
    const kv = splitKey(rest);
    if (kv) {
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.indent > col || (top.indent === col && top.type === 'seq')) stack.pop();
        else break;
      }
      const top = stack[stack.length - 1];
      if (top && top.type === 'map' && top.indent === col) top.seg = kv.key;
      else stack.push({ indent: col, type: 'map', seg: kv.key });
    }
    if (n === line - 1) {
      extra = [];
      if (kv) {
        const valueStart = col + kv.valueAt;
        if (column - 1 >= valueStart) {
          const seg = flowSegment(rest.slice(kv.valueAt), column - 1 - valueStart);
          if (seg !== null) extra.push(seg);
        }
      }
    }
  }
  return toPointer([...stack.map((f) => f.seg), ...extra]);
}

/**
 * The CLI's located messages ("FILE:LINE:COL: error: MESSAGE", one a line) as
 * the API's diagnostics for a document given in the request (`in`).
 * @param {string} stderr  what the CLI printed
 * @param {string} text    the YAML it read
 * @param {string} where   the request part the text came in, e.g. "portfolio"
 */
export function diagnosticsFromCli(stderr, text, where) {
  const out = [];
  for (const l of stderr.split(/\r?\n/)) {
    const m = /^.*?:(\d+):(\d+): (error|warning|note): (.*)$/.exec(l);
    if (!m) continue;
    const line = Number(m[1]), column = Number(m[2]);
    out.push({ in: where, pointer: pointerAt(text, line, column), line, column, severity: m[3], message: m[4] });
  }
  return out;
}
