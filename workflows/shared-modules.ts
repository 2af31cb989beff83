// Modules a worker loads once for all its workflows (the SDK's `preloadModules`), instead of once per workflow in
// Temporal's reusable V8 context: zod's code, about 0.6 MiB a cached workflow (bench/README.md, 2026-12-07). The SDK
// freezes them after this runs, so zod sets its defaults (English locale, memoizer) here, with a first schema:
// it would write them when a workflow builds its first schema, onto an object frozen by then.
import { z } from 'zod';

z.strictObject({ defaults: z.string() });
