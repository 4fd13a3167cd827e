#!/usr/bin/env node
// Compiles every contracts/solidity/*.sol with solc-js (standard-JSON API) and
// writes one artifact per deployable contract to an output directory
// (default: fixtures/artifacts). Run via ci/build-solidity.
//
// Artifacts: {"contractName", "sourceName", "compiler", "abi", "bytecode",
// "deployedBytecode"}, 2-space JSON with a trailing newline. Metadata is not
// appended to the bytecode (appendCBOR: false), so output is reproducible and
// independent of the checkout path.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const repoRoot = path.resolve(__dirname, '..', '..');
const srcDir = __dirname;

function usage(msg) {
  if (msg) process.stderr.write(`build.js: ${msg}\n`);
  process.stderr.write('usage: node contracts/solidity/build.js [--out DIR]\n');
  process.exit(2);
}

let outDir = path.join(repoRoot, 'fixtures', 'artifacts');
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') {
    if (i + 1 >= args.length) usage('--out needs a directory');
    outDir = path.resolve(args[++i]);
  } else {
    usage(`unknown argument ${args[i]}`);
  }
}

const toPosix = (p) => p.split(path.sep).join('/');

const files = fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort();
if (files.length === 0) {
  process.stderr.write(`build.js: no .sol files in ${srcDir}\n`);
  process.exit(1);
}

const sources = {};
for (const f of files) {
  const sourceName = toPosix(path.relative(repoRoot, path.join(srcDir, f)));
  sources[sourceName] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: {
      '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
    },
  },
};

// Imports resolve relative to the repository root and must stay inside it.
function findImports(importPath) {
  const full = path.resolve(repoRoot, importPath);
  if (!full.startsWith(repoRoot + path.sep)) return { error: `import outside repository: ${importPath}` };
  try {
    return { contents: fs.readFileSync(full, 'utf8') };
  } catch (e) {
    return { error: `cannot read ${importPath}: ${e.message}` };
  }
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

let failed = false;
for (const err of output.errors || []) {
  const text = err.formattedMessage || `${err.severity}: ${err.message}`;
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  if (err.severity === 'error') failed = true;
}
if (failed || !output.contracts) {
  process.stderr.write('build.js: compilation failed\n');
  process.exit(1);
}

const compiler = `solc-js ${solc.version()}`;
const artifacts = new Map();
for (const sourceName of Object.keys(output.contracts).sort()) {
  const contracts = output.contracts[sourceName];
  for (const contractName of Object.keys(contracts).sort()) {
    const c = contracts[contractName];
    const bytecode = c.evm.bytecode.object;
    // Interfaces and abstract contracts have no code: nothing to deploy.
    if (!bytecode) continue;
    if (/__\$[0-9a-fA-F]{34}\$__/.test(bytecode)) {
      process.stderr.write(`build.js: ${sourceName}:${contractName} needs library linking (unsupported)\n`);
      process.exit(1);
    }
    if (artifacts.has(contractName)) {
      process.stderr.write(
        `build.js: contract name ${contractName} defined in both ${artifacts.get(contractName).sourceName} and ${sourceName}\n`,
      );
      process.exit(1);
    }
    artifacts.set(contractName, {
      contractName,
      sourceName,
      compiler,
      abi: c.abi,
      bytecode: '0x' + bytecode,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    });
  }
}

fs.mkdirSync(outDir, { recursive: true });
const wanted = new Set([...artifacts.keys()].map((n) => `${n}.json`));
for (const f of fs.readdirSync(outDir)) {
  if (f.endsWith('.json') && !wanted.has(f)) fs.unlinkSync(path.join(outDir, f));
}
for (const name of [...artifacts.keys()].sort()) {
  const file = path.join(outDir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(artifacts.get(name), null, 2) + '\n');
}
process.stderr.write(`build.js: ${artifacts.size} artifacts (${compiler}) -> ${outDir}\n`);
