import t from 'tap';
import { runExamples } from '../fixtures/readme-blocks.js';

/** Half of the README's worked examples, run as written (the other half: readme-examples-1.test.ts). */
t.test('the worked examples run as written (ports and /tmp substituted), part 2 of 2', (t) => runExamples(t, 1, 2));
