/**
 * Officers: the agency's directory of officers (id, name, callsign), which unit each carries (the check-out at the
 * start of a shift), and getting that assignment onto the units ({@code officer.assign}), also to units that were
 * offline when it changed.
 */
package org.openbwc.gateway.officers;
