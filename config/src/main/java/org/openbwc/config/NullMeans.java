package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a configuration key that may be left out (null) and says what leaving it out means. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NullMeans {
    /** What happens when the key is absent, e.g. "use the unitId". */
    String value();
}
