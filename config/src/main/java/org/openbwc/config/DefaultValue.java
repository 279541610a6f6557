package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Default of a configuration key, written as it would be in YAML, used when the key is left out. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface DefaultValue {
    /**
     * The value as YAML text, e.g. {@code "30"} or {@code "0x36"}. On a nested section it is a flow mapping of defaults
     * for that section's keys, e.g. {@code "{pin: 17}"}, because the same record type is used for several sections.
     */
    String value();
}
