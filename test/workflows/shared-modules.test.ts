import vm from 'node:vm';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  describe('once the SDK has frozen them', () => {
    let creator: ReusableVMWorkflowCreator;
    beforeAll(async () => {
      // The SDK's own reusable context (an internal module): its preload, then its freeze.
      const bundle: Parameters<typeof ReusableVMWorkflowCreator.create>[0] = {
        code: workflowBundle().code,
        filename: 'workflow-bundle.js',
        sourceMap: { version: 3, file: '', sources: [], names: [], mappings: '' },
      };
      creator = await ReusableVMWorkflowCreator.create(bundle, 5_000, new Set());
    });
    afterAll(() => creator?.destroy());

    /** Calls `name` of the shared module at `path` inside the frozen context, as a workflow's validator would. */
    const callShared = (path: string, name: string, input: unknown): unknown =>
      vm.runInContext(
        `(() => { try { return { value: __webpack_module_cache__[${JSON.stringify(path)}].exports.${name}(input) }; }
          catch (error) { return { error: error.constructor.name + ': ' + error.message }; } })()`,
        Object.assign((creator as unknown as { context: vm.Context }).context, { input }),
      );

    it('parse with their schemas, twice, and refuse bad input in French', () => {
      const actor = { email: 'Pilote@Example.org', appRole: 'cooperateur' };
      for (let round = 0; round < 2; round += 1) {
        expect(callShared('./domain/lifecycle/action-schemas.ts', 'parseAction', { kind: 'submit', actor })).toEqual({
          value: { kind: 'submit', actor: { email: 'pilote@example.org', appRole: 'cooperateur', instanceRoles: {} } },
        });
        expect(callShared('./domain/poll-input.ts', 'parseClosePoll', { actor: { email: 'x' } })).toEqual({
          error: expect.stringMatching(/^DomainError: .*adresse/),
        });
      }
    });
  });
});
