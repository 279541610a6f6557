package org.openbwc.config;

import java.util.List;
import java.util.Map;

/** The monitoring room's fleet map: where the background tiles come from and where the map opens. */
public record MapConfig(
        @Doc("Map tile URL with {z}, {x} and {y} placeholders, e.g. a tile server on the police network. Empty: no"
                + " tiles, a plain grid background (the map still shows every unit and trail).")
        @DefaultValue("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        @TextLength(min = 0, max = 2048)
        String tileUrl,

        @Doc("Attribution shown in the map corner, as the tile provider's licence requires.")
        @DefaultValue("© OpenStreetMap contributors")
        @TextLength(min = 0, max = 256)
        String attribution,

        @Doc("Latitude the map opens at before any unit has a position.")
        @DefaultValue("52.52")
        @DecimalRange(min = -90, max = 90)
        double centerLat,

        @Doc("Longitude the map opens at before any unit has a position.")
        @DefaultValue("13.405")
        @DecimalRange(min = -180, max = 180)
        double centerLon,

        @Doc("Zoom level the map opens at (0 = whole world, 18 = street).")
        @DefaultValue("13")
        @IntRange(min = 0, max = 19)
        int zoom) {

    public MapConfig {
        Constraints.check(MapConfig.class, tileUrl, attribution, centerLat, centerLon, zoom);
        if (!tileUrl.isEmpty() && !(tileUrl.contains("{z}") && tileUrl.contains("{x}") && tileUrl.contains("{y}"))) {
            throw new InvalidRecordException(
                    MapConfig.class,
                    List.of(new Violation(
                            "tileUrl",
                            tileUrl,
                            "lacks a {z}, {x} or {y} placeholder",
                            "a URL like https://tiles.example/{z}/{x}/{y}.png, or empty for no tiles",
                            null)));
        }
    }

    /** OpenStreetMap tiles, centred on Berlin (the demo's patrol tracks). */
    public static MapConfig defaults() {
        return (MapConfig) RecordSpec.of(MapConfig.class).defaults(Map.of());
    }

    /** Copy with another tile URL ("" for none). */
    public MapConfig withTileUrl(String newTileUrl) {
        return new MapConfig(newTileUrl, attribution, centerLat, centerLon, zoom);
    }
}
