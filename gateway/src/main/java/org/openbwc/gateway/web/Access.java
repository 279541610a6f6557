package org.openbwc.gateway.web;

import io.javalin.security.RouteRole;
import org.openbwc.gateway.auth.Role;

/** Who may call a route: anyone (sign-in page, assets, health), or a signed-in operator of at least a role. */
enum Access implements RouteRole {
    PUBLIC(null),
    VIEWER(Role.VIEWER),
    SUPERVISOR(Role.SUPERVISOR),
    ADMIN(Role.ADMIN);

    final Role minimum;

    Access(Role minimum) {
        this.minimum = minimum;
    }
}
