package org.openbwc.store.objects;

import java.util.regex.Pattern;

/** The names a unit id, recording id and file name may take in the store, so none can climb out of its folder. */
public final class ObjectNames {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ObjectNames() {}

    /** Returns {@code name} if it is safe as one path element or object key part, else throws saying which. */
    public static String check(String what, String name) {
        if (name == null || !SAFE.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' is not a safe name (letters, digits, '.', '_', '-'; at most 128; no '..')");
        }
        return name;
    }
}
