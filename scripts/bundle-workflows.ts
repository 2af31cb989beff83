import path from 'node:path';
import { writeWorkflowBundle } from '../worker/create-worker.js';

// `npm run build:workflows [file]`: the workflows bundled once, for workers started with TEMPORAL_WORKFLOW_BUNDLE
// (dist/workflow-bundle.js unless a file is named).
const file = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
await writeWorkflowBundle(file);
console.log(`Workflows bundled in ${file}: start workers with TEMPORAL_WORKFLOW_BUNDLE=${file}`);
