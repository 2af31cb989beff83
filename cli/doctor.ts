import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';

interface DoctorAnswer {
  ok: boolean;
  checks: Array<{ name: string; outcome: 'ok' | 'failed' | 'not_checked'; reason: string }>;
}

const OUTCOME = { ok: 'ok', failed: 'ÉCHEC', not_checked: 'non vérifié' } as const;

/** `concerto doctor` (admins): the installation's checks, from GET /api/admin/doctor. */
export const doctorCommands: Record<string, Command> = {
  doctor: {
    usage: 'doctor',
    summary:
      'vérifie l’installation : Temporal, base de données, relais SMTP et TLS, clé DKIM publiée, ' +
      'connexion à la boîte des réponses (IMAP) ; code 6 si un contrôle échoue',
    async run({ api, out }) {
      const answer = await api.json<DoctorAnswer>('GET', '/api/admin/doctor');
      out.result(answer, ({ ok, checks }) => {
        const width = Math.max(...checks.map((check) => check.name.length));
        return [
          ...checks.map(
            (check) => `${check.name.padEnd(width)}  ${OUTCOME[check.outcome].padEnd(11)}  ${check.reason}`,
          ),
          '',
          ok ? 'Aucun contrôle n’a échoué.' : 'Au moins un contrôle a échoué : voir ci-dessus.',
        ].join('\n');
      });
      return answer.ok ? EXIT.ok : EXIT.checkFailed;
    },
  },
};
