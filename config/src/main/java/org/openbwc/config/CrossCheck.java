package org.openbwc.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names the rule that checks constraints spanning several keys of a record, such as distinct GPIO pins. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface CrossCheck {
    /** Rule class with a no-argument constructor. */
    Class<? extends CrossRule> value();
}
