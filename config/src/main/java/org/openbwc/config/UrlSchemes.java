package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a text configuration key as a URL that needs one of these schemes plus an explicit host and port. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface UrlSchemes {
    /** Allowed schemes in lowercase, e.g. {@code {"tcp", "ssl"}}. */
    String[] value();
}
