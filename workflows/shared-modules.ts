// Modules a worker loads once for all its workflows (the SDK's `preloadModules`), instead of once per workflow in
// Temporal's reusable V8 context: zod and the domain's modules that build schemas, about 1.3 MiB a cached workflow
// (bench/README.md, 2026-12-07). They hold no workflow's state: pure rules, their schemas and caches of pure results.
// The SDK freezes what they export, so a schema other modules use is exported behind a function
// (domain/validation.ts, `shareable`), and zod sets its defaults (English locale, memoizer) here with a first schema:
// it would otherwise write them when a workflow builds its first schema, onto an object frozen by then.
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
