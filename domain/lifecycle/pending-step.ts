import { PARTNER_LABELS } from './labels.js';
import type { LifecyclePosition, PendingStep, VersionReview } from './model.js';
import { PARTNERS, type Partner } from './vocabulary.js';

/** Who acts next on the version under review. */

export function missingPartnerOpinions(review: VersionReview): Partner[] {
  return PARTNERS.filter((partner) => review.partnerOpinions[partner] === undefined);
}

/**
 * The body that must act next on the version under review (so the fiche goes on its next meeting's
 * agenda), or null: nothing to decide on a fiche en œuvre without an amendment, nor on a closed one.
 */
export function pendingStep(state: LifecyclePosition): PendingStep | null {
  const review = state.review;
  if (!review) return null;
  const version = review.version;
  const of = state.versionInForce === null ? `la version ${version}` : `la version ${version} (avenant)`;
  switch (review.stage) {
    case 'brouillon':
      return { instanceKind: 'gtt', version, what: `le GTT rédige ${of} et la soumet` };
    case 'soumise':
      return {
        instanceKind: 'cotech',
        version,
        what: `le COTECH rend son avis (favorable, à retravailler ou défavorable) sur ${of}`,
      };
    case 'attente_copil': {
      const missing = missingPartnerOpinions(review);
      const decide = `le COPIL statue (adoptée, ajournée ou rejetée) sur ${of}`;
      if (missing.length === 0) return { instanceKind: 'copil', version, what: decide };
      const partners = missing.map((partner) => `de la ${PARTNER_LABELS[partner]}`).join(' et ');
      return {
        instanceKind: 'copil',
        version,
        what: `${decide}, une fois enregistré l’avis ${partners}`,
        missingPartnerOpinions: missing,
      };
    }
    case 'attente_bureau':
      return { instanceKind: 'bureau_communautaire', version, what: `le Bureau communautaire valide ou refuse ${of}` };
  }
}
