-- The evidence index, version 4: track points carry their grid cell (TrackCells: 0.01 degree of latitude by 0.02 of
-- longitude, about 1.1 km square in Norway), and "near a place within a time window" reads the cells around the
-- place, each by (cell, at), instead of a whole time range or a whole band of latitude. Measured by bench/search
-- (issue 15): with (at, lat, lon) and (lat, lon, at) alone, a one-day window scanned a day of the whole fleet's points
-- and a month-wide one every point in a band of latitude, and H2 scans them several times slower than PostgreSQL.
-- Portable: both databases run it as written (DOUBLE PRECISION times INTEGER is IEEE arithmetic in both, and in Java).
ALTER TABLE track_points ADD COLUMN cell BIGINT;
UPDATE track_points SET cell = CAST(FLOOR(lat * 100) AS BIGINT) * 100000 + CAST(FLOOR((lon + 180) * 50) AS BIGINT);
ALTER TABLE track_points ALTER COLUMN cell SET NOT NULL;
-- A cell and a window first; it covers what the search reads.
CREATE INDEX track_points_cell_time ON track_points (cell, at, lat, lon, recording_id);
-- (lat, lon, at) served the long windows at one place, which the cells now serve. (at, lat, lon) stays for searches
-- over areas too wide for cells (radius beyond ~15 km, the poles, the antimeridian).
DROP INDEX track_points_place_time;
