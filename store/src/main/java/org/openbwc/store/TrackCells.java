package org.openbwc.store;

/**
 * The grid cell of a track point, kept in {@code track_points.cell} (V4) so that "near a place" reads only the cells
 * around it: 0.01 degree of latitude (1.1 km) by 0.02 degree of longitude (1.1 km at 60 degrees north, 2.2 km at the
 * equator). V4 computes the same numbers in SQL for the rows it found ({@code FLOOR(lat * 100)}, {@code FLOOR((lon +
 * 180) * 50)}: the same two IEEE operations in Java, PostgreSQL and H2), so a row written by any of them is found.
 */
public final class TrackCells {

    /** A cell's number is its row times this plus its column; columns run 0..18,000. */
    static final long ROW = 100_000;

    private TrackCells() {}

    /** The cell holding (lat, lon). */
    public static long of(double lat, double lon) {
        return row(lat) * ROW + column(lon);
    }

    static long row(double lat) {
        return (long) Math.floor(lat * 100);
    }

    static long column(double lon) {
        return (long) Math.floor((lon + 180) * 50);
    }
}
