import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import { registerBoardPages } from './board-pages.js';
import { registerDecisionsPublicationPages } from './decisions-publication-routes.js';
import type { PageViewer } from './layout.js';
import { registerPersonalDataPages } from './personal-data-pages.js';
import { registerPublicDecisionPages } from './public-decisions-pages.js';

/**
 * The pages of a convention's life in the open and across conventions: the relevé's publication
 * and the public decisions, the boards across conventions, personal data (export, retention).
 */
export function registerOpenDecisionsPages(
  scope: FastifyInstance,
  deps: {
    client: Client;
    store: Store;
    taskQueue: string;
    now: () => Date;
    viewerOf: (request: FastifyRequest) => PageViewer | null;
  },
): void {
  registerDecisionsPublicationPages(scope, deps);
  registerPublicDecisionPages(scope, deps);
  registerBoardPages(scope, deps);
  registerPersonalDataPages(scope, deps);
}
