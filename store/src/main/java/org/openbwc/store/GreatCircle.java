package org.openbwc.store;

/** Distances on the earth (a sphere of the mean radius: within 0.5 % of the ellipsoid, plenty for "near"). */
final class GreatCircle {
    static final double EARTH_RADIUS_METERS = 6_371_008.8;

    private GreatCircle() {}

    /** Great-circle distance in meters between two points (haversine). */
    static double meters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** A lat/lon box holding every point within {@code radiusMeters} of the centre (a superset: check exactly after). */
    record Box(double minLat, double maxLat, double minLon, double maxLon) {}

    static Box around(double lat, double lon, double radiusMeters) {
        double dLat = Math.toDegrees(radiusMeters / EARTH_RADIUS_METERS);
        double minLat = lat - dLat;
        double maxLat = lat + dLat;
        if (minLat <= -90 || maxLat >= 90) {
            // The circle holds a pole: every longitude.
            return new Box(Math.max(-90, minLat), Math.min(90, maxLat), -180, 180);
        }
        // The widest longitude span is at the latitude nearest a pole; asin keeps it exact for large radii.
        double ratio = Math.sin(radiusMeters / EARTH_RADIUS_METERS) / Math.cos(Math.toRadians(lat));
        if (ratio >= 1) return new Box(minLat, maxLat, -180, 180);
        double dLon = Math.toDegrees(Math.asin(ratio));
        if (lon - dLon < -180 || lon + dLon > 180) {
            // Across the antimeridian: one box of all longitudes is still correct, only less selective.
            return new Box(minLat, maxLat, -180, 180);
        }
        return new Box(minLat, maxLat, lon - dLon, lon + dLon);
    }
}
