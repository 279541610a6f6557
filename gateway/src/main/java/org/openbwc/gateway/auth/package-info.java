/** Operator accounts, their passwords and roles, sign-in throttling and session tokens. */
package org.openbwc.gateway.auth;
