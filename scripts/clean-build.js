// `npm test` starts here: removes .build/ so that a test deleted or renamed in test/ leaves no
// compiled copy behind for tap to run; tsc -p tsconfig.test.json then emits it afresh.
import { rmSync } from 'node:fs';
rmSync(new URL('../.build/', import.meta.url), { recursive: true, force: true });
