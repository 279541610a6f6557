package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Inclusive range of a whole-number configuration key. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface IntRange {
    /** Smallest allowed value. */
    long min();

    /** Largest allowed value. */
    long max();

    /** Show values and bounds in hexadecimal, as datasheets do for I2C addresses. */
    boolean hex() default false;
}
