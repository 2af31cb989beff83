// Modules a worker loads once for all its workflows (the SDK's `preloadModules`), instead of once per workflow in
// Temporal's reusable V8 context: zod and the domain's modules that build schemas, about 1.6 MiB a cached fiche
// (bench/README.md, 2026-12-07). They hold no workflow's state: pure rules, their schemas, caches of pure results.
// The SDK then freezes what they export, so a schema other modules use is exported behind a function
// (domain/validation.ts, `shareable`). zod sets its defaults (English locale, memoizer) on its first schema, which
// must come before that freeze: the domain's imports build theirs; the line below keeps it so without them.
import { z } from 'zod';
import '../domain/charter.js';
import '../domain/convention-cycle.js';
import '../domain/fiche-content.js';
import '../domain/lifecycle/action-schemas.js';
import '../domain/meeting-input.js';
import '../domain/meeting-recurrence.js';
import '../domain/plan-actions.js';
import '../domain/poll-input.js';

z.strictObject({ defaults: z.string() });
