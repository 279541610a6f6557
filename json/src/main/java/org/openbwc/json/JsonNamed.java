package org.openbwc.json;

/** An enum whose constants are written in JSON under a name of their own instead of the Java constant's name. */
public interface JsonNamed {
    /** The constant's text in JSON; unique within its enum. */
    String jsonName();
}
