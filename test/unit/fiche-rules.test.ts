import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES } from '../../domain/errors.js';
import { domainError } from '../helpers/domain-error.js';
import {
  COTECH_AVIS,
  FICHE_STAGES,
  ROLES,
  assertMayRecordAvis,
  parseDecision,
  parseNewFiche,
  stageAfterAvis,
  type Role,
} from '../../domain/fiche.js';


describe('parseNewFiche', () => {
  it('normalises a valid fiche', () => {
    expect(parseNewFiche({ title: '  Lieu d’accueil  ', authorEmail: ' Pilote@Example.ORG ' })).toEqual({
      title: 'Lieu d’accueil',
      authorEmail: 'pilote@example.org',
    });
  });

  it.each([
    [null, undefined],
    [{ authorEmail: 'a@example.org' }, 'title'],
    [{ title: '   ', authorEmail: 'a@example.org' }, 'title'],
    [{ title: 'x'.repeat(201), authorEmail: 'a@example.org' }, 'title'],
    [{ title: 'T', authorEmail: 'a@b' }, 'authorEmail'],
    [{ title: 'T', authorEmail: 'a b@example.org' }, 'authorEmail'],
    [{ title: 'T', authorEmail: 42 }, 'authorEmail'],
  ])('refuses %j, naming the field', (input, field) => {
    const error = domainError(() => parseNewFiche(input));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe(field);
  });
});

describe('parseDecision', () => {
  const actor = { email: 'S@Example.org', role: 'secretaire_instance' };

  it('normalises a valid decision and drops an empty comment', () => {
    expect(parseDecision({ outcome: 'favorable', comment: '  ', actor })).toEqual({
      outcome: 'favorable',
      actor: { email: 's@example.org', role: 'secretaire_instance' },
    });
  });

  it('requires a comment to send a fiche back to its GTT', () => {
    const error = domainError(() => parseDecision({ outcome: 'a_retravailler', actor }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'comment' });
    expect(parseDecision({ outcome: 'a_retravailler', comment: 'Préciser le budget', actor }).comment).toBe('Préciser le budget');
  });

  it.each([
    [{ outcome: 'oui', actor }, 'outcome'],
    [{ outcome: 'favorable' }, 'actor'],
    [{ outcome: 'favorable', actor: { email: 's@example.org', role: 'maire' } }, 'actor.role'],
    [{ outcome: 'favorable', actor: { email: 'nope', role: 'admin' } }, 'actor.email'],
    [{ outcome: 'favorable', comment: 12, actor }, 'comment'],
    [{ outcome: 'favorable', comment: 'x'.repeat(5001), actor }, 'comment'],
  ])('refuses %j, naming the field', (input, field) => {
    expect(domainError(() => parseDecision(input))).toMatchObject({ code: 'INVALID_INPUT', field });
  });
});

describe('messages people read', () => {
  const actor = { email: 's@example.org', role: 'secretaire_instance' };

  it.each([
    [null, 'Le corps de la requête doit être un objet JSON.'],
    [{ title: ' ', authorEmail: 'a@example.org' }, 'Le titre de la fiche est obligatoire.'],
    [{ title: 'x'.repeat(201), authorEmail: 'a@example.org' }, 'Le titre dépasse 200 caractères : raccourcissez-le.'],
    [{ title: 'T', authorEmail: 'a@b' }, '« authorEmail » doit être une adresse e-mail valide, par exemple prenom.nom@example.org.'],
  ])('new fiche %j: %s', (input, message) => {
    expect(domainError(() => parseNewFiche(input)).message).toBe(message);
  });

  it.each([
    ['x', 'La décision doit être un objet JSON.'],
    [{ outcome: 'oui', actor }, 'L’avis doit être l’un de : favorable, a_retravailler, defavorable.'],
    [{ outcome: 'favorable' }, 'Indiquez qui enregistre la décision (actor).'],
    [{ outcome: 'favorable', actor: { ...actor, role: 'maire' } }, 'Le rôle doit être l’un de : cooperateur, secretaire_instance, membre, admin.'],
    [{ outcome: 'favorable', comment: 12, actor }, 'Le commentaire doit être un texte de 5000 caractères au plus.'],
    [{ outcome: 'a_retravailler', comment: '  ', actor }, 'Un avis « à retravailler » doit dire au GTT quoi reprendre : ajoutez un commentaire.'],
  ])('decision %j: %s', (input, message) => {
    expect(domainError(() => parseDecision(input)).message).toBe(message);
  });

  it('reports every problem of a decision at once', () => {
    const error = domainError(() => parseDecision({ outcome: 'a_retravailler', actor: { email: 'nope', role: 'maire' } }));
    expect(error.issues?.map((issue) => issue.field)).toEqual(['actor.email', 'actor.role', 'comment']);
    expect(error.message).toMatch(/^La décision comporte 3 erreurs à corriger : .*ajoutez un commentaire\.$/);
  });
});

describe('who may record the COTECH avis, and when', () => {
  const allowed: Role[] = ['secretaire_instance', 'admin'];

  it.each(ROLES.map((role) => [role, allowed.includes(role)] as const))('%s on a soumise fiche: allowed=%s', (role, ok) => {
    const run = () => assertMayRecordAvis('soumise', { email: 'x@example.org', role });
    if (ok) expect(run).not.toThrow();
    else expect(domainError(run).code).toBe('ROLE_NOT_ALLOWED');
  });

  it.each(FICHE_STAGES.filter((s) => s !== 'soumise'))('nobody records it on a fiche at stage %s', (stage) => {
    for (const role of ROLES) {
      expect(domainError(() => assertMayRecordAvis(stage, { email: 'x@example.org', role })).code).toBe('WRONG_STAGE');
    }
  });

  it('moves the fiche according to the avis', () => {
    expect(COTECH_AVIS.map(stageAfterAvis)).toEqual(['avis_favorable', 'brouillon', 'avis_defavorable']);
  });
});

describe('error codes', () => {
  it('are listed once, each with its description', () => {
    expect(Object.keys(DOMAIN_ERROR_CODES)).toEqual(['INVALID_INPUT', 'WRONG_STAGE', 'ROLE_NOT_ALLOWED', 'ALREADY_IN_PROGRESS', 'CHARTER_VIOLATION', 'PARTNER_OPINIONS_MISSING']);
    for (const description of Object.values(DOMAIN_ERROR_CODES)) expect(description.length).toBeGreaterThan(10);
  });
});
