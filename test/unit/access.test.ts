import { describe, expect, it } from 'vitest';
import { actorFromAccess, appRoleOf, type PersonAccess } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';

const person = (overrides: Partial<PersonAccess> = {}): PersonAccess => ({
  email: 'p@example.org',
  admin: false,
  memberships: [],
  ...overrides,
});

describe('the role a person acts in, derived from their seats', () => {
  it('follows the documented order: admin, coopérateur, secrétaire, partenaire, membre', () => {
    const cases: Array<[string, PersonAccess, string | null]> = [
      ['an admin without a seat', person({ admin: true }), 'admin'],
      [
        'an admin who is also a chargé de coopération',
        person({ admin: true, memberships: [{ instanceKind: 'cotech', role: 'charge_cooperation' }] }),
        'admin',
      ],
      [
        'a chargé de coopération in a GTT only',
        person({ memberships: [{ instanceKind: 'gtt', role: 'charge_cooperation' }] }),
        'cooperateur',
      ],
      [
        'a chargé de coopération who is also a secretary',
        person({
          memberships: [
            { instanceKind: 'copil', role: 'secretaire' },
            { instanceKind: 'cotech', role: 'charge_cooperation' },
          ],
        }),
        'cooperateur',
      ],
      [
        'the secretary of the COTECH',
        person({ memberships: [{ instanceKind: 'cotech', role: 'secretaire' }] }),
        'secretaire_instance',
      ],
      [
        'a secretary from the CAF',
        person({ structureKind: 'caf', memberships: [{ instanceKind: 'cotech', role: 'secretaire' }] }),
        'secretaire_instance',
      ],
      [
        'a CAF technician',
        person({ structureKind: 'caf', memberships: [{ instanceKind: 'cotech', role: 'technicien' }] }),
        'partenaire',
      ],
      [
        'an MSA director',
        person({ structureKind: 'msa', memberships: [{ instanceKind: 'copil', role: 'directeur' }] }),
        'partenaire',
      ],
      [
        'an association’s member',
        person({ structureKind: 'association', memberships: [{ instanceKind: 'copil', role: 'membre' }] }),
        'membre',
      ],
      [
        'the président of the Bureau',
        person({
          structureKind: 'collectivite',
          memberships: [{ instanceKind: 'bureau_communautaire', role: 'president' }],
        }),
        'membre',
      ],
      ['a CAF person without a seat', person({ structureKind: 'caf' }), null],
      ['nobody', person(), null],
    ];
    for (const [name, access, role] of cases) expect({ name, role: appRoleOf(access) }).toEqual({ name, role });
  });

  it(
    'gives the actor its per-instance roles and structure, ' + 'and refuses a person with no part in the convention',
    () => {
      expect(
        actorFromAccess(
          person({
            structureKind: 'caf',
            memberships: [
              { instanceKind: 'cotech', role: 'technicien' },
              { instanceKind: 'gtt', role: 'membre' },
              { instanceKind: 'gtt', role: 'technicien' },
            ],
          }),
        ),
      ).toEqual({
        email: 'p@example.org',
        appRole: 'partenaire',
        instanceRoles: { cotech: ['technicien'], gtt: ['membre', 'technicien'] },
        structureKind: 'caf',
      });
      expect(() => actorFromAccess(person({ email: 'x@example.org' }))).toThrow(DomainError);
      expect(() => actorFromAccess(person({ email: 'x@example.org' }))).toThrow(
        /x@example\.org n’est membre d’aucune instance/,
      );
    },
  );
});
