// `npm run coverage`, step 2: line, statement and branch coverage of the production contracts,
// and the gate (lines >= 95%, branches >= 90%).
//
// Hardhat 3 measures statements only (EDR has no branch data yet: its lcov has no BRDA lines).
// Branches are derived here from the same statement hits: EDR instruments every statement,
// including the then- and else-blocks of an `if`, and counts executions per statement tag. For
// each `if` of the parsed AST, the true branch is taken when its then-block ran; the false branch
// when its else-block ran or, without an else, when the `if` ran more often than its then-block.
// Tags are recomputed with EDR's own instrumentation, so they match the hit data exactly.
// Conditional expressions (`a ? b : c`) would be invisible to this, so production contracts
// write them as if/else; `&&` and `||` are not counted as branches (as in solidity-coverage).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const require = createRequire(import.meta.url);
const solc = require("solc");
const { addStatementCoverageInstrumentation } = require("@nomicfoundation/edr");

const ROOT = process.cwd();
const THRESHOLDS = { lines: 95, branches: 90 };
const EXCLUDED = [/^contracts\/(test|bench|dev)\//, /\.t\.sol$/];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function loadHits() {
  const hits = new Map();
  const dataDir = join(ROOT, "coverage", "data");
  for (const file of walk(dataDir).filter((f) => f.endsWith(".json"))) {
    for (const [tag, count] of Object.entries(JSON.parse(readFileSync(file, "utf8")))) {
      hits.set(tag, (hits.get(tag) ?? 0) + count);
    }
  }
  return hits;
}

function loadLines() {
  const lines = new Map();
  let current;
  for (const row of readFileSync(join(ROOT, "coverage", "lcov.info"), "utf8").split("\n")) {
    if (row.startsWith("SF:")) lines.set((current = row.slice(3)), { found: 0, hit: 0 });
    else if (row.startsWith("LF:")) lines.get(current).found = Number(row.slice(3));
    else if (row.startsWith("LH:")) lines.get(current).hit = Number(row.slice(3));
  }
  return lines;
}

function parseAst(path, content) {
  const input = {
    language: "Solidity",
    sources: { [path]: { content } },
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`${path}: ${errors[0].formattedMessage}`);
  return output.sources[path].ast;
}

function* nodesOfType(node, type) {
  if (node === null || typeof node !== "object") return;
  if (node.nodeType === type) yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* nodesOfType(child, type);
    else if (value && typeof value === "object") yield* nodesOfType(value, type);
  }
}


function fileCoverage(path, hits) {
  const content = readFileSync(path, "utf8");
  // Hardhat names project sources "project/<path>"; the tags hash that name.
  const { metadata } = addStatementCoverageInstrumentation(content, `project/${relative(ROOT, path)}`, "0.8.30");
  // Source offsets: EDR counts UTF-16 units, solc bytes; Stoa's contracts are ASCII.
  const instrumented = [];
  let statementsHit = 0;
  for (const m of metadata) {
    if (m.kind !== "statement") continue;
    const tag = Buffer.from(m.tag).toString("hex");
    instrumented.push({ start: m.startUtf16, end: m.endUtf16, tag });
    if ((hits.get(tag) ?? 0) > 0) statementsHit++;
  }
  const statements = instrumented.length;
  // EDR's range of a statement runs from the end of the previous token to the end of its line;
  // solc's from its first to its last character: match the smallest EDR range around the node
  // whose extra characters are only whitespace (and the semicolon solc leaves out).
  const countOf = (node) => {
    const [start, length] = node.src.split(":").map(Number);
    const end = start + length;
    const candidates = instrumented
      .filter((s) => s.start <= start && s.end >= end)
      .filter((s) => /^[\s;]*$/.test(content.slice(s.start, start) + content.slice(end, s.end)))
      .sort((a, b) => a.end - a.start - (b.end - b.start));
    if (candidates.length === 0) throw new Error(`${path}: no instrumented statement at ${node.src}`);
    return hits.get(candidates[0].tag) ?? 0;
  };
  let branches = 0;
  let branchesHit = 0;
  const missed = [];
  const ast = parseAst(relative(ROOT, path), content);
  const conditionals = [...nodesOfType(ast, "Conditional")];
  if (conditionals.length > 0) {
    throw new Error(`${path}: write conditional expressions as if/else so that their branches are measured`);
  }
  for (const node of nodesOfType(ast, "IfStatement")) {
    const line = content.slice(0, Number(node.src.split(":")[0])).split("\n").length;
    const ran = countOf(node);
    const thenRan = countOf(node.trueBody);
    const elseRan = node.falseBody ? countOf(node.falseBody) : ran - thenRan;
    branches += 2;
    if (thenRan > 0) branchesHit++;
    else missed.push(`${line}:true`);
    if (elseRan > 0) branchesHit++;
    else missed.push(`${line}:false`);
  }
  return { statements, statementsHit, branches, branchesHit, missed };
}

const hits = loadHits();
const lines = loadLines();
const sources = walk(join(ROOT, "contracts"))
  .map((p) => relative(ROOT, p))
  .filter((p) => p.endsWith(".sol") && !EXCLUDED.some((re) => re.test(p)))
  .sort();

const pct = (hit, found) => (found === 0 ? 100 : (100 * hit) / found);
const total = { lines: [0, 0], statements: [0, 0], branches: [0, 0] };
const rows = [];
for (const path of sources) {
  const c = fileCoverage(join(ROOT, path), hits);
  const l = lines.get(path) ?? { found: 0, hit: 0 };
  total.lines[0] += l.hit;
  total.lines[1] += l.found;
  total.statements[0] += c.statementsHit;
  total.statements[1] += c.statements;
  total.branches[0] += c.branchesHit;
  total.branches[1] += c.branches;
  rows.push([
    path,
    pct(l.hit, l.found).toFixed(1),
    pct(c.statementsHit, c.statements).toFixed(1),
    `${pct(c.branchesHit, c.branches).toFixed(1)} (${c.branchesHit}/${c.branches})`,
    c.missed.join(" ") || "-",
  ]);
}
const header = ["file", "lines %", "statements %", "branches %", "untaken branches (line:side)"];
const totals = {
  lines: pct(...total.lines),
  statements: pct(...total.statements),
  branches: pct(...total.branches),
};
rows.push([
  "all production contracts",
  totals.lines.toFixed(1),
  totals.statements.toFixed(1),
  `${totals.branches.toFixed(1)} (${total.branches[0]}/${total.branches[1]})`,
  "",
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ");
console.log("\nCoverage of production contracts (contracts/, without test/, bench/, dev/ and *.t.sol)\n");
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(fmt(r));

const failures = [];
if (totals.lines < THRESHOLDS.lines) failures.push(`lines ${totals.lines.toFixed(1)}% < ${THRESHOLDS.lines}%`);
if (totals.branches < THRESHOLDS.branches) {
  failures.push(`branches ${totals.branches.toFixed(1)}% < ${THRESHOLDS.branches}%`);
}
if (failures.length > 0) {
  console.error(`\nCoverage below target: ${failures.join(", ")}.`);
  process.exit(1);
}
console.log(`\nCoverage targets met (lines >= ${THRESHOLDS.lines}%, branches >= ${THRESHOLDS.branches}%).`);
