package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Human documentation of a configuration key; it becomes the key's JSON Schema description. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
    /** One or two sentences for a field technician; the unit, default and range are appended automatically. */
    String value();
}
