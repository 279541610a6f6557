package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A YAML key that people plausibly write but that is refused with a specific explanation instead of "unknown key". */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(RejectedKey.List.class)
public @interface RejectedKey {
    /** The refused key. */
    String key();

    /** Why it is refused. */
    String problem();

    /** What to write instead. */
    String allowed();

    /** Container for several rejected keys on one record. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        /** The rejected keys. */
        RejectedKey[] value();
    }
}
