/**
 * `npm run bench`'s engine case of one flavor in a process of its own (run.ts starts it), as a lone
 * `simulate` runs it: warm-up, then the engine against the bare loop, interleaved, printed as JSON.
 *
 *   node dist/bench/lone-flavor.js multi_thread|current_thread
 */
import { bareRep, spinners, versusBare, warmUp } from './engine-reps.js';

const flavor = process.argv[2] === 'current_thread' ? 'current_thread' : 'multi_thread';
bareRep(); // warm-up of the bare loop, as run.ts does
warmUp(flavor);
process.stdout.write(JSON.stringify(versusBare(spinners(flavor, 20000))));
