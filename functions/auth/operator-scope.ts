import { OPERATOR_GROUP, OPERATOR_SCOPE } from '../shared/http/auth';
import type { TokenGenerationEvent } from './merchant-claim';

/**
 * Only a member of the operator group keeps the operators' scope: for everyone else (merchant staff, any app
 * client) it is taken out of the token, whatever the app client allows.
 */
export function withOperatorScopeForOperatorsOnly<E extends TokenGenerationEvent>(event: E): E {
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  if (groups.includes(OPERATOR_GROUP)) return event;
  const operatorScopes = (event.request.scopes ?? []).filter(
    (s) => s === OPERATOR_SCOPE || s.endsWith(`/${OPERATOR_SCOPE}`),
  );
  if (operatorScopes.length === 0) return event;
  const access = event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;
  event.response = {
    ...event.response,
    claimsAndScopeOverrideDetails: {
      ...event.response.claimsAndScopeOverrideDetails,
      accessTokenGeneration: {
        ...access,
        scopesToSuppress: [...(access?.scopesToSuppress ?? []), ...operatorScopes],
      },
    },
  };
  return event;
}
