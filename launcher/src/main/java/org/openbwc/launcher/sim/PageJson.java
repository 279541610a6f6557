package org.openbwc.launcher.sim;

import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
import org.openbwc.json.JsonWriter;

/**
 * The virtual-units page's JSON, written with the project's own {@link JsonWriter} rather than Javalin's default
 * Jackson, so that {@code bwc device --sim-port} runs on a unit's classpath, which has no Jackson. Its answers are maps
 * and lists of plain values, which both write alike; a string is taken as JSON already, as Javalin's own mapper does.
 */
final class PageJson implements JsonMapper {
    @Override
    public String toJsonString(Object obj, Type type) {
        return obj instanceof String json ? json : JsonWriter.compactString(obj);
    }
}
