import { describe, expect, it } from 'vitest';
import { composePartnerOpinionMail, OPINION_LINK_LABEL } from '../../documents/mail/partner-opinion-mail.js';
import { renderNotice } from '../../documents/mail/notices/render-notice.js';
import { partnerOpinionsMissingNotice } from '../../domain/fiche-notices.js';

const fiche = { code: 'FA-2026-03', title: 'Ludothèque itinérante' };
const link = 'https://concerto.example.org/avis/abc.def';

describe('the mails that ask a partner for its opinion', () => {
  it('asks with the referent’s link, its expiry written as people write dates, in the text and the HTML', () => {
    const mail = composePartnerOpinionMail({
      fiche,
      version: 2,
      partner: 'msa',
      link,
      expiresAt: new Date('2026-03-26T13:00:00Z'),
      zone: 'Europe/Paris',
    });
    expect(mail.subject).toBe('Avis de la MSA demandé sur la fiche FA-2026-03');
    expect(mail.text).toContain(`${OPINION_LINK_LABEL('msa')} : ${link}`);
    expect(mail.text).toContain('« Ludothèque itinérante » (version 2)');
    expect(mail.text).toContain('expire le jeudi 26 mars 2026 à 14 h 00');
    expect(mail.html).toContain(`href="${link}"`);
  });

  it('reminds with the day the opinion was asked', () => {
    const mail = composePartnerOpinionMail({
      fiche,
      version: 1,
      partner: 'caf',
      link,
      expiresAt: new Date('2026-04-20T08:00:00Z'),
      askedAt: new Date('2026-03-19T15:00:00Z'),
      zone: 'Europe/Paris',
    });
    expect(mail.subject).toBe('Rappel : avis de la CAF attendu sur la fiche FA-2026-03');
    expect(mail.text).toContain('demandé le jeudi 19 mars 2026, n’est pas encore enregistré');
  });

  it('tells the coordinators which partners are silent', () => {
    const notice = partnerOpinionsMissingNotice(
      { kind: 'role', instanceKind: 'cotech', roles: ['charge_cooperation'] },
      fiche,
      1,
      ['caf', 'msa'],
      14,
    );
    const mail = renderNotice(notice.content);
    expect(mail.subject).toBe('Relance : avis de la CAF et de la MSA attendus sur la fiche FA-2026-03');
    expect(mail.text).toContain('Les avis de la CAF et de la MSA ont été demandés il y a 14 jours');
  });
});
