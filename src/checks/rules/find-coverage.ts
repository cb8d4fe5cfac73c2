// Policy coverage of what dataFrom[].find does after its first LIST: ESO lists every sub-folder
// recursively, then reads each candidate (data for name.regexp matches; metadata of every candidate
// for tags). One request it may not make fails the whole ExternalSecret. Pure: the candidates and
// their ACL verdicts are gathered by find-candidates.ts.
import type { Finding } from '../finding.js';
import { describeStore, oneLine, quoteList, type StoreLabel } from './describe.js';

export interface DeniedCandidateRequest {
  /** The ACL path of the request ESO makes (a sub-folder LIST ends in `/`). */
  aclPath: string;
  capability: 'read' | 'list';
  /** What ESO does with it, for the message. */
  purpose: 'list-folder' | 'read-data' | 'read-metadata';
}

export interface FindCoverageInput {
  field: string;
  store: StoreLabel;
  roleName: string;
  authMountPath: string;
  policyNames: string[];
  denied: DeniedCandidateRequest[];
  /** How many requests of this kind ESO makes in all (for "n of m"). */
  totalRequests: number;
  /** Stanza covering every candidate of the kind denied first (a glob under find.path). */
  stanza: string;
}

const WHAT: Record<DeniedCandidateRequest['purpose'], string> = {
  'list-folder': 'list the sub-folder',
  'read-data': 'read the matching secret',
  'read-metadata': 'read the metadata (for tags) of',
};

export function findCoverageFindings(input: FindCoverageInput): Finding[] {
  const first = input.denied[0];
  if (!first) return [];
  const more = input.denied.length - 1;
  const who = `role "${input.roleName}" at auth mount "${input.authMountPath}" (policies ${quoteList(input.policyNames)}), which ${describeStore(input.store)} logs in as,`;
  return [
    {
      code: 'PolicyDenied',
      severity: 'error',
      field: input.field,
      message:
        `ESO's find goes on after its LIST to ${WHAT[first.purpose]} ${first.aclPath}, which ${who} may not ${first.capability}` +
        `${more > 0 ? ` (nor ${more} more of the ${input.totalRequests} requests find makes)` : ''}; one denied request fails the whole ExternalSecret.`,
      hint: `Narrow find (path, name.regexp) to what the role may read, or add to a policy of role "${input.roleName}": ${oneLine(input.stanza)}`,
    },
  ];
}
