// Rewrites test/golden/results.json from the current build: the explicit command for refreshing
// the stored Result hashes when a change is meant (`npm run golden:update`; say why in the commit).
// Prints which scenarios and fields changed.
import { computeGoldens, diffGolden, readGoldens, writeGoldens } from '../dist/test/golden/results.js';

let stored = {};
try {
  stored = readGoldens();
} catch {
  stored = {};
}
const now = computeGoldens();
const lines = [];
for (const [rel, g] of Object.entries(now)) lines.push(...diffGolden(rel, stored[rel], g));
for (const rel of Object.keys(stored)) if (!(rel in now)) lines.push(`${rel}: removed`);
writeGoldens(now);
process.stdout.write(lines.length ? lines.join('\n') + '\n' : 'goldens unchanged\n');
process.stdout.write(`${Object.keys(now).length} scenarios in test/golden/results.json\n`);
