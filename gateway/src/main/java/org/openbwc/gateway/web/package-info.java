/**
 * Everything HTTP, and the only room that knows Javalin: {@link org.openbwc.gateway.web.WebServer} mounts the {@link
 * org.openbwc.gateway.web.Routes} table, whose route groups each serve one job (fleet, commands, alerts, admin, health,
 * live); {@link org.openbwc.gateway.web.WebAccess} signs operators in and checks roles and origins, {@link
 * org.openbwc.gateway.web.EventStream} pushes changes to browsers.
 */
package org.openbwc.gateway.web;
