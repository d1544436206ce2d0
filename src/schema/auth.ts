import type { AuthChecker } from 'type-graphql';
import type { Role } from '../config.js';
import type { GatewayContext } from './context.js';

const RANK: Record<Role, number> = { reader: 1, sender: 2, admin: 3 };

/** Roles are nested: admin can do what sender can, sender what reader can. */
export const authChecker: AuthChecker<GatewayContext, Role> = ({ context }, [minimum]) =>
  RANK[context.role] >= RANK[minimum ?? 'reader'];
