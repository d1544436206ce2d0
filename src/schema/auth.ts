import type { AuthChecker } from 'type-graphql';
import type { Role } from '../config.js';
import { ForbiddenError } from '../shared/errors.js';
import type { GatewayContext } from './context.js';

const RANK: Record<Role, number> = { reader: 1, sender: 2, admin: 3 };

/** Roles are nested: admin can do what sender can, sender what reader can. */
export const authChecker: AuthChecker<GatewayContext, Role> = ({ context, info }, [minimum]) => {
  const required = minimum ?? 'reader';
  if (RANK[context.role] >= RANK[required]) return true;
  throw new ForbiddenError(
    `${info.parentType.name}.${info.fieldName} needs the ${required} role; this API key is ${context.role}`,
    { requiredRole: required, role: context.role },
  );
};
