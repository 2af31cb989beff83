import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/temporal.js';

// The worker's bundle loads workflows/shared-modules.ts once for all its workflows, then Temporal freezes every
// module it loaded, reaching into their exports' objects (not into functions). zod writes onto a schema as it
// parses: a frozen schema refuses its first parse, in production, on whichever update uses it first.

/** The paths of the zod schemas reachable from `value` as Temporal's freeze walks it (objects, not functions). */
function schemasIn(value: unknown, path: string, seen: Set<unknown>): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if ('_zod' in value) return [path];
  return [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value)].flatMap((key) =>
    schemasIn((value as Record<PropertyKey, unknown>)[key], `${path}.${String(key)}`, seen),
  );
}

describe('the modules a worker shares between its workflows (preloadModules)', () => {
  const shared: Record<string, { exports: unknown }> = {};

  beforeAll(() => {
    // As the SDK's reusable context does: the bundle's modules land in `__webpack_module_cache__`, and what the
    // preload loads before any workflow exists is shared by all of them.
    const context = vm.createContext({ __webpack_module_cache__: shared });
    vm.runInContext(workflowBundle().code, context);
    vm.runInContext('__TEMPORAL__.preloadModules()', context);
  });

  it('are zod and the domain modules that build schemas, not the workflows', () => {
    const paths = Object.keys(shared);
    expect(paths).toEqual(expect.arrayContaining(['./domain/lifecycle/action-schemas.ts', './domain/poll-input.ts']));
    expect(paths.some((path) => path.startsWith('./node_modules/zod/'))).toBe(true);
    expect(paths.filter((path) => path.startsWith('./workflows/'))).toEqual(['./workflows/shared-modules.ts']);
  });

  it('export no zod schema object: a schema other modules use is exported behind a function (shareable)', () => {
    const seen = new Set<unknown>();
    const exposed = Object.entries(shared).flatMap(([path, module]) => schemasIn(module.exports, path, seen));
    expect(exposed).toEqual([]);
  });
});
