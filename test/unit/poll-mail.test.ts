import { describe, expect, it } from 'vitest';
import { composePollMail, type PollMailInput, type PollMailKind } from '../../documents/mail/poll-mail.js';

const TALLY = (optionId: string, oui: number, siNecessaire: number, non: number, volunteers = 0) => ({
  optionId,
  oui,
  siNecessaire,
  non,
  volunteers,
});

const base: PollMailInput = {
  kind: 'invitation',
  poll: {
    title: 'Journée <plan> d’actions',
    description: 'Décliner les objectifs stratégiques.',
    instanceName: 'Groupe d’élaboration du plan d’actions',
    location: 'Brioux-sur-Boutonne',
    deadline: new Date('2024-03-01T11:00:00Z'),
    zone: 'Europe/Paris',
  },
  options: [
    { id: 'a', label: 'mardi 26 mars 2024 (journée)', capacity: null, tally: TALLY('a', 5, 1, 0) },
    { id: 'b', label: 'vendredi 29 mars 2024 (journée)', capacity: 12, tally: TALLY('b', 3, 2, 1, 2) },
  ],
  recipient: { name: 'Claire Martin', email: 'claire@example.org' },
  link: 'https://concerto.example.org/vote/abc.def',
};

describe('composePollMail', () => {
  it('each kind has its French subject', () => {
    const subjects: Record<PollMailKind, string> = {
      invitation: 'Sondage de date : Journée <plan> d’actions — répondre avant le 1er mars 2024',
      reminder: 'Rappel (J-3) — sondage de date : Journée <plan> d’actions',
      tie: 'Sondage à départager : Journée <plan> d’actions',
      tie_reminder: 'Rappel — sondage à départager : Journée <plan> d’actions',
      result: 'Date retenue : Journée <plan> d’actions — vendredi 29 mars 2024 (journée)',
    };
    for (const [kind, subject] of Object.entries(subjects)) {
      const mail = composePollMail({
        ...base,
        kind: kind as PollMailKind,
        daysBefore: 3,
        tied: ['a', 'b'],
        chosen: { optionId: 'b', reason: null, chosenBy: 'orga@example.org' },
      });
      expect(mail.subject).toBe(subject);
    }
  });

  it('the invitation lists the dates with their places and the personal link, in text and in escaped HTML', () => {
    const mail = composePollMail(base);
    expect(mail.text).toContain('Bonjour Claire Martin,');
    expect(mail.text).toContain('Répondre avant le : vendredi 1er mars 2024 à 12 h 00');
    expect(mail.text).toContain('- vendredi 29 mars 2024 (journée)\n   12 places : inscrivez-vous si vous venez');
    expect(mail.text).toContain('- Répondre au sondage : https://concerto.example.org/vote/abc.def');
    expect(mail.html).toContain('Journée &lt;plan&gt; d’actions');
    expect(mail.html).toContain('<a href="https://concerto.example.org/vote/abc.def"');
    expect(mail.html).not.toContain('<plan>');
  });

  it('the result says which rule chose the date, or who did, with the counts', () => {
    const byRule = composePollMail({
      ...base,
      kind: 'result',
      chosen: { optionId: 'a', reason: 'oui', chosenBy: 'regle' },
    });
    expect(byRule.text).toContain('Date retenue : mardi 26 mars 2024 (journée).');
    expect(byRule.text).toContain('C’est la date qui a recueilli le plus de « oui ».');
    expect(byRule.text).toContain('   3 oui, 2 si nécessaire, 1 non, 2 inscrit(s)');
    const byOrganiser = composePollMail({
      ...base,
      kind: 'result',
      chosen: { optionId: 'b', reason: null, chosenBy: 'orga@example.org' },
    });
    expect(byOrganiser.text).toContain('orga@example.org a choisi celle-ci');
  });

  it('the tie lists only the tied dates', () => {
    const mail = composePollMail({ ...base, kind: 'tie', tied: ['b'] });
    expect(mail.text).toContain('Dates à égalité :\n- vendredi 29 mars 2024 (journée)');
    expect(mail.text).not.toContain('mardi 26 mars');
  });
});
