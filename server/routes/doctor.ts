import type { FastifyPluginAsync } from 'fastify';
import type { DoctorCheck } from '../../infra/doctor/mail-checks.js';
import { route } from '../route.js';
import { probe, type HealthProbes } from './health.js';

export interface DoctorRouteDependencies {
  probes: HealthProbes;
  /** The mail configuration's checks (infra/doctor/mail-setup.ts, wired by app/); left out, not checked. */
  checkMail?: () => Promise<DoctorCheck[]>;
}

/** A health probe as a check: ok, or failed with the probe's reason. */
async function probeCheck(name: string, check: () => Promise<void>): Promise<DoctorCheck> {
  const outcome = await probe(check);
  return outcome === 'ok'
    ? { name, outcome: 'ok', reason: 'répond.' }
    : { name, outcome: 'failed', reason: `ne répond pas (${outcome.replace(/^down: /, '')}).` };
}

/**
 * `GET /api/admin/doctor` (what `concerto doctor` prints): Temporal and the database answer, the SMTP
 * relay answers and offers TLS, the DKIM key is the published one, the reply mailbox accepts the login.
 * Always 200 when the checks ran: `ok` says whether none failed (a check not made is not a failure).
 */
export const doctorRoutes: FastifyPluginAsync<DoctorRouteDependencies> = async (app, deps) => {
  route(
    app,
    {
      method: 'GET',
      url: '/api/admin/doctor',
      summary: 'Checks the installation: Temporal, database, SMTP relay and TLS, DKIM key, IMAP login',
      tag: 'système',
      access: 'admin',
      success: { status: 200, description: '{ ok, checks: [{ name, outcome: ok|failed|not_checked, reason }] }' },
    },
    async () => {
      const [temporal, database, mail] = await Promise.all([
        probeCheck('Temporal', deps.probes.temporal),
        probeCheck('Base de données', deps.probes.database),
        deps.checkMail
          ? deps.checkMail()
          : Promise.resolve<DoctorCheck[]>([
              {
                name: 'Courrier',
                outcome: 'not_checked',
                reason: 'ce serveur n’a pas reçu la configuration du courrier.',
              },
            ]),
      ]);
      const checks = [temporal, database, ...mail];
      return { ok: checks.every((check) => check.outcome !== 'failed'), checks };
    },
  );
};
