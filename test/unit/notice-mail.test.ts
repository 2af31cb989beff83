import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { renderNotice, type NoticeContent } from '../../documents/mail/notices/render-notice.js';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import { noticesFor } from '../../domain/fiche-notices.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';

const actor = { email: 'secretaire@example.org', appRole: 'admin' as const, instanceRoles: {} };
const ref = { code: 'FA-2026-03', title: 'Ludothèque <itinérante> & « jeux »' };
const submitted = apply(initialState(), { kind: 'submit', actor }, '2026-03-02T09:00:00.000Z');
const avis = { kind: 'recordAvis', actor, outcome: 'a_retravailler', comment: 'Préciser le public <visé>.' } as const;

const NOTICES: Record<string, NoticeContent> = {
  'a fiche step, with a comment': noticesFor(
    avis,
    submitted,
    apply(submitted, avis, '2026-03-10T09:00:00.000Z'),
    ref,
    REFERENCE_CHARTER,
  )[1]!.content,
  'a milestone reminder': {
    topic: 'calendar',
    kind: 'milestone-reminder',
    milestone: { title: 'Diagnostic partagé', startDate: '2026-03-02' },
    daysBefore: 14,
  },
  'a campaign synthesis, with lines': {
    topic: 'convention',
    kind: 'review-summary',
    campaignKind: 'annuelle',
    year: 2025,
    fiches: [
      {
        ficheId: 'f1',
        code: 'FA-2025-01',
        title: 'Accueil',
        pilotEmail: 'a@example.org',
        evaluation: { summary: 'Douze familles.', indicators: [{ label: 'Familles', value: 12, target: 10 }] },
      },
      { ficheId: 'f2', code: 'FA-2025-02', title: 'Jeux', pilotEmail: 'b@example.org', evaluation: null },
    ],
    place: null,
    zone: 'Europe/Paris',
  },
};

/** What a reader of the HTML part sees: its body's text, tags dropped, entities decoded, spaces collapsed. */
function readableText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
  return words(
    body
      .replace(/<[^>]+>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

const words = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('notices: text and HTML from the same blocks', () => {
  it.each(Object.entries(NOTICES))('%s: the HTML says what the text says, escaped', (_, notice) => {
    const { subject, text, html } = renderNotice(notice);
    expect(readableText(html)).toBe(words(text));
    expect(html).toContain(`<title>${subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`);
    expect(html).not.toMatch(/<(?!\/?(p|br|html|head|meta|title|body)\b|!DOCTYPE)/);
  });

  it('travel as a multipart/alternative message a mail reader parses back to the same parts', async () => {
    const { subject, text, html } = renderNotice(NOTICES['a fiche step, with a comment']!);
    const raw = await new MailComposer({
      from: 'Concerto <concerto@example.org>',
      to: 'gtt@example.org',
      subject,
      text,
      html,
    })
      .compile()
      .build();
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text?.trimEnd()).toBe(text);
    expect(parsed.html).toBe(html);
    expect(parsed.html).toContain('<p>Commentaire : Préciser le public &lt;visé&gt;.</p>');
  });
});
