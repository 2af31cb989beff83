import { describe, expect, it } from 'vitest';
import {
  INSTANCE_KINDS,
  MEMBER_ROLES,
  REFERENCE_CHARTER,
  assertCharter,
  charterSchema,
  checkMemberships,
  mayRecordDecision,
  parseCharter,
  type Charter,
  type CharterFacts,
  type InstanceKind,
  type MemberRole,
  type MembershipFact,
} from '../../domain/charter.js';
import { domainError } from '../helpers/domain-error.js';

const instances: CharterFacts['instances'] = [
  { slug: 'bureau', kind: 'bureau_communautaire', name: 'Bureau communautaire' },
  { slug: 'copil', kind: 'copil', name: 'COPIL CTG' },
  { slug: 'cotech', kind: 'cotech', name: 'COTECH CTG' },
  { slug: 'gtt-1', kind: 'gtt', name: 'Coopération' },
  { slug: 'gtt-2', kind: 'gtt', name: 'Parcours socio-éducatifs' },
];

const structures: CharterFacts['structures'] = [
  { slug: 'mellois', kind: 'collectivite', name: 'Mellois en Poitou' },
  { slug: 'caf-79', kind: 'caf', name: 'CAF des Deux-Sèvres' },
  { slug: 'msa-poitou', kind: 'msa', name: 'MSA Poitou' },
  { slug: 'csc', kind: 'association', name: 'Centre socioculturel du Mellois' },
  { slug: 'college', kind: 'institution', name: 'Collège de Melle' },
  { slug: 'brioux', kind: 'commune', name: 'Brioux-sur-Boutonne' },
];

let nextLine = 2;
function member(person: string, instanceSlug: string, extra: Partial<MembershipFact> = {}): MembershipFact {
  return {
    line: nextLine++,
    personEmail: `${person}@example.org`,
    personName: person.charAt(0).toUpperCase() + person.slice(1),
    instanceSlug,
    role: 'membre',
    seat: 'titulaire',
    ...extra,
  };
}

/** The COTECH binômes of both GTTs, each with its chargé de coopération. */
function binomes(): MembershipFact[] {
  return [
    member('anne', 'cotech', { role: 'charge_cooperation', structureSlug: 'mellois', representsInstanceSlug: 'gtt-1' }),
    member('bruno', 'cotech', { role: 'representant_gtt', structureSlug: 'csc', representsInstanceSlug: 'gtt-1' }),
    member('chloe', 'cotech', {
      role: 'charge_cooperation',
      structureSlug: 'mellois',
      representsInstanceSlug: 'gtt-2',
    }),
    member('damien', 'cotech', { role: 'technicien', structureSlug: 'caf-79', representsInstanceSlug: 'gtt-2' }),
  ];
}

function facts(...memberships: MembershipFact[]): CharterFacts {
  return { instances, structures, memberships: [...binomes(), ...memberships] };
}

function codes(charter: Charter, input: CharterFacts): string[] {
  return checkMemberships(charter, input).map((issue) => issue.code);
}

describe('the reference charter', () => {
  it('accepts a governance that follows it', () => {
    expect(checkMemberships(REFERENCE_CHARTER, facts())).toEqual([]);
  });

  describe('COPIL: 2 persons at most per associative or institutional structure', () => {
    it('accepts exactly 2 of one association and 2 of one institution', () => {
      const ok = facts(
        member('emma', 'copil', { structureSlug: 'csc' }),
        member('fanny', 'copil', { structureSlug: 'csc', seat: 'suppleant' }),
        member('gilles', 'copil', { structureSlug: 'college', role: 'directeur' }),
        member('hugo', 'copil', { structureSlug: 'college' }),
      );
      expect(checkMemberships(REFERENCE_CHARTER, ok)).toEqual([]);
    });

    it('refuses a third person, naming the structure, the instance, the count and the fix', () => {
      const third = member('ines', 'copil', { structureSlug: 'csc', seat: 'suppleant' });
      const issues = checkMemberships(
        REFERENCE_CHARTER,
        facts(
          member('emma', 'copil', { structureSlug: 'csc' }),
          member('fanny', 'copil', { structureSlug: 'csc' }),
          third,
        ),
      );
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'STRUCTURE_LIMIT_EXCEEDED', line: third.line, instanceSlug: 'copil' });
      expect(issues[0]!.message).toContain('3 personnes de la structure « Centre socioculturel du Mellois » (csc)');
      expect(issues[0]!.message).toContain('« COPIL CTG » (copil)');
      expect(issues[0]!.message).toContain('Emma, Fanny, Ines');
      expect(issues[0]!.message).toContain('2 au plus par structure');
      expect(issues[0]!.message).toMatch(/suppléants compris.*retirez-en 1/);
    });

    it('limits institutions as well', () => {
      const three = ['gilles', 'hugo', 'ines'].map((p) => member(p, 'copil', { structureSlug: 'college' }));
      expect(codes(REFERENCE_CHARTER, facts(...three))).toEqual(['STRUCTURE_LIMIT_EXCEEDED']);
    });

    it.each(['caf-79', 'msa-poitou', 'mellois', 'brioux'])('leaves %s unlimited', (structureSlug) => {
      const many = ['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => member(p, 'copil', { structureSlug, role: 'technicien' }));
      expect(checkMemberships(REFERENCE_CHARTER, facts(...many))).toEqual([]);
    });

    it('does not limit associations outside the COPIL', () => {
      const gtt = ['p1', 'p2', 'p3'].map((p) => member(p, 'gtt-1', { structureSlug: 'csc' }));
      expect(checkMemberships(REFERENCE_CHARTER, facts(...gtt))).toEqual([]);
    });
  });

  describe('COTECH: each GTT represented by a binôme including a chargé de coopération', () => {
    const gtt1 = (ms: MembershipFact[]) => ({
      instances,
      structures,
      memberships: [...binomes().filter((m) => m.representsInstanceSlug !== 'gtt-1'), ...ms],
    });

    it('accepts 2 with a chargé de coopération', () => {
      const two = [
        member('x', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' }),
        member('y', 'cotech', { role: 'charge_cooperation', representsInstanceSlug: 'gtt-1' }),
      ];
      expect(checkMemberships(REFERENCE_CHARTER, gtt1(two))).toEqual([]);
    });

    it('refuses 2 without a chargé de coopération', () => {
      const two = [
        member('x', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' }),
        member('y', 'cotech', { role: 'representant_gtt', representsInstanceSlug: 'gtt-1' }),
      ];
      const issues = checkMemberships(REFERENCE_CHARTER, gtt1(two));
      expect(issues).toMatchObject([{ code: 'GTT_REPRESENTATION_ROLE', instanceSlug: 'cotech' }]);
      expect(issues[0]!.message).toContain('du GTT « Coopération » (gtt-1)');
      expect(issues[0]!.message).toContain('(X, Y) n’est chargé de coopération');
    });

    it('refuses 1', () => {
      const issues = checkMemberships(
        REFERENCE_CHARTER,
        gtt1([member('y', 'cotech', { role: 'charge_cooperation', representsInstanceSlug: 'gtt-1' })]),
      );
      expect(issues).toMatchObject([{ code: 'GTT_REPRESENTATION_COUNT', instanceSlug: 'cotech' }]);
      expect(issues[0]!.message).toMatch(
        new RegExp(
          String.raw`a 1 représentant dans l’instance « COTECH CTG » \(cotech\) \(Y\) ` +
            String.raw`: la charte en demande un binôme \(2 personnes\) ; ajoutez-en 1\.`,
        ),
      );
    });

    it('refuses 3, pointing at the surplus line', () => {
      const three = [
        member('x', 'cotech', { role: 'charge_cooperation', representsInstanceSlug: 'gtt-1' }),
        member('y', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' }),
        member('z', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' }),
      ];
      const issues = checkMemberships(REFERENCE_CHARTER, gtt1(three));
      expect(issues).toMatchObject([
        { code: 'GTT_REPRESENTATION_COUNT', line: three[2]!.line, instanceSlug: 'cotech' },
      ]);
      expect(issues[0]!.message).toContain('retirez-en 1');
    });

    it('refuses a GTT with no representation at all', () => {
      const issues = checkMemberships(REFERENCE_CHARTER, gtt1([]));
      expect(issues).toEqual([
        {
          code: 'GTT_REPRESENTATION_COUNT',
          message:
            'Le GTT « Coopération » (gtt-1) n’est pas représenté dans l’instance « COTECH CTG » (cotech) : désignez ' +
            'un binôme (2 personnes) dont au moins un chargé de coopération, en indiquant le GTT qu’ils représentent ' +
            '(gtt-1).',
          instanceSlug: 'cotech',
        },
      ]);
    });

    it('refuses 1 without a chargé de coopération twice over', () => {
      const issues = checkMemberships(
        REFERENCE_CHARTER,
        gtt1([member('y', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' })]),
      );
      expect(issues.map((i) => i.code)).toEqual(['GTT_REPRESENTATION_COUNT', 'GTT_REPRESENTATION_ROLE']);
    });

    it('checks nothing while the convention has no COTECH', () => {
      const noCotech = { instances: instances.filter((i) => i.kind !== 'cotech'), structures, memberships: [] };
      expect(checkMemberships(REFERENCE_CHARTER, noCotech)).toEqual([]);
    });
  });

  describe('what a membership represents', () => {
    it('must be an existing instance', () => {
      const bad = member('x', 'cotech', { representsInstanceSlug: 'gtt-9' });
      expect(checkMemberships(REFERENCE_CHARTER, facts(bad))).toMatchObject([
        {
          code: 'REPRESENTED_INSTANCE_UNKNOWN',
          line: bad.line,
          instanceSlug: 'cotech',
          message: expect.stringContaining('« gtt-9 »'),
        },
      ]);
    });

    it('must be a GTT', () => {
      const bad = member('x', 'cotech', { representsInstanceSlug: 'copil' });
      expect(checkMemberships(REFERENCE_CHARTER, facts(bad))).toMatchObject([
        {
          code: 'REPRESENTED_INSTANCE_NOT_GTT',
          line: bad.line,
          message: expect.stringContaining('n’est pas un groupe de travail thématique'),
        },
      ]);
    });

    it('only appears in the instance kind where GTTs are represented', () => {
      const bad = member('x', 'copil', { representsInstanceSlug: 'gtt-1' });
      const issues = checkMemberships(REFERENCE_CHARTER, facts(bad));
      expect(issues).toMatchObject([{ code: 'REPRESENTATION_OUT_OF_PLACE', line: bad.line, instanceSlug: 'copil' }]);
      expect(issues[0]!.message).toContain('qu’au COTECH');
    });

    it('appears nowhere when the charter provides for no representation', () => {
      const none: Charter = { ...REFERENCE_CHARTER, gttRepresentation: null };
      expect(codes(none, facts())).toEqual(Array(4).fill('REPRESENTATION_OUT_OF_PLACE'));
      expect(checkMemberships(none, { instances, structures, memberships: [] })).toEqual([]);
    });
  });

  describe('references and duplicates', () => {
    it('refuses a person twice in one instance, whatever the seat or the case of the address', () => {
      const first = member('emma', 'copil', { structureSlug: 'csc' });
      const again = {
        ...member('emma', 'copil', { structureSlug: 'csc', seat: 'suppleant' }),
        personEmail: 'Emma@Example.org',
      };
      const issues = checkMemberships(REFERENCE_CHARTER, facts(first, again));
      expect(issues).toMatchObject([{ code: 'DUPLICATE_MEMBERSHIP', line: again.line, instanceSlug: 'copil' }]);
      expect(issues[0]!.message).toContain(`figure déjà dans l’instance « COPIL CTG » (copil) (ligne ${first.line})`);
    });

    it('lets one person sit in several instances', () => {
      expect(checkMemberships(REFERENCE_CHARTER, facts(member('anne', 'copil'), member('anne', 'gtt-1')))).toEqual([]);
    });

    it('refuses unknown instances and structures', () => {
      const issues = checkMemberships(
        REFERENCE_CHARTER,
        facts(member('x', 'gtt-7'), member('y', 'copil', { structureSlug: 'inconnue' })),
      );
      expect(issues.map((i) => i.code)).toEqual(['UNKNOWN_INSTANCE', 'UNKNOWN_STRUCTURE']);
    });

    it('gives no line when the facts have none (a JSON import gives paths instead)', () => {
      const noLine: MembershipFact = {
        personEmail: 'x@example.org',
        instanceSlug: 'cotech',
        role: 'membre',
        seat: 'titulaire',
        representsInstanceSlug: 'gtt-9',
      };
      expect(checkMemberships(REFERENCE_CHARTER, facts(noLine))[0]).not.toHaveProperty('line');
    });
  });
});

describe('a charter of another territory', () => {
  it('changes the outcome: 1 person per CAF or MSA in the COTECH', () => {
    const strict: Charter = {
      ...REFERENCE_CHARTER,
      structureLimits: [
        ...REFERENCE_CHARTER.structureLimits,
        { instanceKind: 'cotech', structureKinds: ['caf', 'msa'], maxPersons: 1 },
      ],
    };
    const twoCaf = facts(member('xavier', 'cotech', { structureSlug: 'caf-79', role: 'technicien' }));
    expect(checkMemberships(REFERENCE_CHARTER, twoCaf)).toEqual([]);
    const issues = checkMemberships(strict, twoCaf);
    expect(issues).toMatchObject([{ code: 'STRUCTURE_LIMIT_EXCEEDED', instanceSlug: 'cotech' }]);
    expect(issues[0]!.message).toContain('« CAF des Deux-Sèvres » (caf-79)');
    expect(issues[0]!.message).toContain('1 au plus par structure');
  });

  it('changes the outcome: a single technicien per GTT', () => {
    const single: Charter = {
      ...REFERENCE_CHARTER,
      gttRepresentation: { inInstanceKind: 'cotech', persons: 1, requiredRole: 'technicien' },
    };
    const input = {
      instances,
      structures,
      memberships: [
        member('x', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-1' }),
        member('y', 'cotech', { role: 'technicien', representsInstanceSlug: 'gtt-2' }),
      ],
    };
    expect(checkMemberships(single, input)).toEqual([]);
    const perGtt = ['GTT_REPRESENTATION_COUNT', 'GTT_REPRESENTATION_ROLE'];
    expect(codes(REFERENCE_CHARTER, input)).toEqual([...perGtt, ...perGtt]);
    // The reference binômes: two persons each, and gtt-1's has no technicien.
    expect(codes(single, facts())).toEqual([...perGtt, 'GTT_REPRESENTATION_COUNT']);
  });

  it('changes the outcome: no limit at all', () => {
    const open: Charter = { ...REFERENCE_CHARTER, structureLimits: [] };
    const three = ['p1', 'p2', 'p3'].map((p) => member(p, 'copil', { structureSlug: 'csc' }));
    expect(checkMemberships(open, facts(...three))).toEqual([]);
  });
});

describe('assertCharter', () => {
  it('passes a governance that follows the charter', () => {
    expect(() => assertCharter(REFERENCE_CHARTER, facts())).not.toThrow();
  });

  it('throws CHARTER_VIOLATION with every issue, located by line or instance', () => {
    const third = member('ines', 'copil', { structureSlug: 'csc' });
    const input = {
      instances,
      structures,
      memberships: [
        ...binomes().filter((m) => m.representsInstanceSlug !== 'gtt-2'),
        member('emma', 'copil', { structureSlug: 'csc' }),
        member('fanny', 'copil', { structureSlug: 'csc' }),
        third,
      ],
    };
    const error = domainError(() => assertCharter(REFERENCE_CHARTER, input));
    expect(error.code).toBe('CHARTER_VIOLATION');
    expect(error.field).toBeUndefined();
    expect(error.issues).toEqual([
      { field: `ligne ${third.line}`, message: expect.stringContaining('Centre socioculturel du Mellois') },
      { field: 'cotech', message: expect.stringContaining('Parcours socio-éducatifs') },
    ]);
    expect(error.message).toMatch(
      /^La composition des instances ne respecte pas la charte \(2 points à corriger\) : 1\) Ligne \d+ : 3 personnes/,
    );
    expect(error.message).toContain('2) Le GTT « Parcours socio-éducatifs » (gtt-2) n’est pas représenté');
  });
});

describe('charterSchema', () => {
  it('accepts the reference charter, also after a trip through JSON', () => {
    expect(charterSchema().parse(REFERENCE_CHARTER)).toEqual(REFERENCE_CHARTER);
    expect(parseCharter(JSON.parse(JSON.stringify(REFERENCE_CHARTER)))).toEqual(REFERENCE_CHARTER);
    expect(
      parseCharter({ structureLimits: [], gttRepresentation: null, decisionRecorders: {}, convocationDelayDays: {} }),
    ).toBeTruthy();
  });

  it('keeps the reference charter from being changed by accident', () => {
    expect(Object.isFrozen(REFERENCE_CHARTER)).toBe(true);
    expect(Object.isFrozen(REFERENCE_CHARTER.structureLimits[0]!.structureKinds)).toBe(true);
    expect(() => (REFERENCE_CHARTER.decisionRecorders.cotech as MemberRole[]).push('membre')).toThrow(TypeError);
  });

  const bad = (patch: Record<string, unknown>) => ({ ...REFERENCE_CHARTER, ...patch });
  it.each([
    [
      bad({ structureLimits: [{ instanceKind: 'copil', structureKinds: ['association'], maxPersons: 0 }] }),
      'structureLimits.0.maxPersons',
    ],
    [
      bad({ structureLimits: [{ instanceKind: 'copil', structureKinds: ['asso'], maxPersons: 2 }] }),
      'structureLimits.0.structureKinds.0',
    ],
    [
      bad({ structureLimits: [{ instanceKind: 'copil', structureKinds: [], maxPersons: 2 }] }),
      'structureLimits.0.structureKinds',
    ],
    [
      bad({ structureLimits: [{ instanceKind: 'copil', structureKinds: ['caf', 'caf'], maxPersons: 2 }] }),
      'structureLimits.0.structureKinds',
    ],
    [
      bad({ structureLimits: [{ instanceKind: 'pleniere', structureKinds: ['caf'], maxPersons: 2 }] }),
      'structureLimits.0.instanceKind',
    ],
    [
      bad({ structureLimits: [{ instanceKind: 'copil', structureKinds: ['caf'], maxPerson: 2 }] }),
      'structureLimits.0.maxPersons',
    ],
    [
      bad({ gttRepresentation: { inInstanceKind: 'gtt', persons: 2, requiredRole: 'charge_cooperation' } }),
      'gttRepresentation.inInstanceKind',
    ],
    [
      bad({ gttRepresentation: { inInstanceKind: 'cotech', persons: 2, requiredRole: 'maire' } }),
      'gttRepresentation.requiredRole',
    ],
    [bad({ gttRepresentation: undefined }), 'gttRepresentation'],
    [bad({ decisionRecorders: { copil: ['maire'] } }), 'decisionRecorders.copil.0'],
    [bad({ decisionRecorders: { pleniere: ['president'] } }), 'decisionRecorders'],
    [bad({ convocationDelayDays: { conseil_communautaire: -1 } }), 'convocationDelayDays.conseil_communautaire'],
    [bad({ convocationDelayDays: { copil: '14' } }), 'convocationDelayDays.copil'],
  ])('refuses %j at %s', (input, field) => {
    const error = domainError(() => parseCharter(input));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`« ${field} »`);
  });

  it('refuses a misspelt key at the top, and says so in French', () => {
    const error = domainError(() => parseCharter({ ...REFERENCE_CHARTER, structureLimit: [] }));
    expect(error.issues).toEqual([
      {
        field: '',
        message: 'La charte contient un champ inconnu : structureLimit. Retirez-le ou corrigez son orthographe.',
      },
    ]);
  });
});

describe('mayRecordDecision under the reference charter', () => {
  // Written out rather than read from the charter, so a change to REFERENCE_CHARTER shows here.
  const recorders: Record<InstanceKind, MemberRole[]> = {
    bureau_communautaire: ['secretaire', 'president'],
    copil: ['secretaire', 'president'],
    cotech: ['secretaire'],
    conseil_communautaire: ['secretaire', 'president'],
    gtt: [],
    groupe_elaboration: [],
  };
  const deciding: InstanceKind[] = ['bureau_communautaire', 'copil', 'cotech', 'conseil_communautaire'];

  it.each(
    INSTANCE_KINDS.flatMap((kind) => MEMBER_ROLES.map((role) => [kind, role, recorders[kind].includes(role)] as const)),
  )('%s, %s: %s', (kind, role, allowed) => {
    expect(mayRecordDecision(REFERENCE_CHARTER, kind, [role], false)).toBe(allowed);
  });

  it.each(INSTANCE_KINDS.map((kind) => [kind, deciding.includes(kind)] as const))(
    'an admin in %s: %s',
    (kind, allowed) => {
      expect(mayRecordDecision(REFERENCE_CHARTER, kind, [], true)).toBe(allowed);
    },
  );

  it('takes any of the actor’s roles, and nobody without one', () => {
    expect(mayRecordDecision(REFERENCE_CHARTER, 'copil', ['vice_president', 'secretaire'], false)).toBe(true);
    expect(mayRecordDecision(REFERENCE_CHARTER, 'copil', [], false)).toBe(false);
  });

  it('follows another charter', () => {
    const charter: Charter = { ...REFERENCE_CHARTER, decisionRecorders: { gtt: ['charge_cooperation'], cotech: [] } };
    expect(mayRecordDecision(charter, 'gtt', ['charge_cooperation'], false)).toBe(true);
    expect(mayRecordDecision(charter, 'cotech', ['secretaire'], false)).toBe(false);
    expect(mayRecordDecision(charter, 'cotech', [], true)).toBe(true);
    expect(mayRecordDecision(charter, 'copil', ['president'], true)).toBe(false);
  });
});

describe('convocation delays of the reference charter', () => {
  it('give 5 jours francs to the conseil communautaire and a delay to every kind of instance', () => {
    expect(REFERENCE_CHARTER.convocationDelayDays.conseil_communautaire).toBe(5);
    for (const kind of INSTANCE_KINDS) expect(REFERENCE_CHARTER.convocationDelayDays[kind]).toBeGreaterThan(0);
  });
});
