package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Regular expression a text configuration key must match as a whole. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Pattern {
    /** Java regular expression, also valid in JSON Schema (ECMA 262); matched against the whole value. */
    String regex();

    /** The same rule in words, shown to technicians as "(allowed: ...)". */
    String allowed();
}
