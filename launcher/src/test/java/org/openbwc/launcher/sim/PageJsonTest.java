package org.openbwc.launcher.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.json.JavalinJackson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The virtual-units page answers as it did with Javalin's Jackson mapper. */
class PageJsonTest {

    @Test
    void writesWhatThePageGetsAsJavalinsJacksonDid() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", "u-1");
        view.put("officerId", "O'Neil \"7\" \\ é");
        view.put("alive", true);
        view.put("leds", Map.of("green", false, "red", true, "amber", false));
        view.put("battery", Map.of("percent", 87, "volts", 3.9, "charging", false));
        view.put("position", null);
        view.put("lat", 52.520008);
        view.put("seq", 1234567890123L);
        List<Object> answers = new ArrayList<>(List.of(
                view,
                List.of(view, view),
                List.of(),
                Map.of("error", "no such page or API: GET /x\n\ttab"),
                Map.of("ok", true, "unit", "u-1", "done", "docked true")));
        answers.add(Arrays.asList(1.0e-7, 30.0, -0.0, null));
        JavalinJackson jackson = new JavalinJackson(null, false);
        PageJson page = new PageJson();
        for (Object answer : answers) {
            assertThat(page.toJsonString(answer, answer.getClass()))
                    .isEqualTo(jackson.toJsonString(answer, answer.getClass()));
        }
        assertThat(page.toJsonString("{\"raw\":1}", String.class)).isEqualTo("{\"raw\":1}");
    }
}
