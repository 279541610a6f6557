package org.openbwc.json;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds records to and from the plain values of {@link JsonReader} and {@link JsonWriter}: a record is an object
 * whose members are its components, in declaration order.
 *
 * <p>Supported component types: {@code String}, {@code boolean}, {@code int}, {@code long}, {@code double} and their
 * boxes, enums (by constant name, or {@link JsonNamed#jsonName()}), {@link Instant} (ISO-8601 text such as {@code
 * 2026-11-29T10:15:30.123Z}), {@code byte[]} (base64), records, {@code List<T>}, {@code Map<String, V>} and {@code
 * Object} (left as plain values). Reading ignores unknown members; a missing or null member gives null, except for a
 * primitive component, which is an error. A record's constructor checks the rest: what it throws becomes a {@link
 * JsonException} with its message.
 */
public final class JsonBinder {
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return RecordShape.of(type);
        }
    };

    private JsonBinder() {}

    /** A record (or any supported value) as plain values; null record components are written as JSON null. */
    public static Object toPlain(Object value) {
        return plain(value, true);
    }

    /** Like {@link #toPlain} but leaving out record components that are null. */
    public static Object toPlainWithoutNulls(Object value) {
        return plain(value, false);
    }

    /** Binds plain values (as {@link JsonReader} returns them) to {@code type}. */
    public static <T> T bind(Object plain, Class<T> type) {
        if (plain == null) throw new JsonException("the JSON value is null");
        @SuppressWarnings("unchecked")
        T value = (T) bind(plain, type, "");
        return value;
    }

    private static Object plain(Object value, boolean nulls) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer n -> n.longValue();
            case Long n -> n;
            case Short n -> n.longValue();
            case Byte n -> n.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigInteger n -> n;
            case Instant t -> DateTimeFormatter.ISO_INSTANT.format(t);
            case JsonNamed n -> n.jsonName();
            case Enum<?> e -> e.name();
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            case Record r -> {
                RecordShape shape = SHAPES.get(r.getClass());
                Map<String, Object> members = new LinkedHashMap<>();
                for (int i = 0; i < shape.components.length; i++) {
                    Object v = shape.get(r, i);
                    if (v != null || nulls) members.put(shape.components[i].getName(), plain(v, nulls));
                }
                yield members;
            }
            case Map<?, ?> map -> {
                Map<String, Object> members = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet())
                    members.put(String.valueOf(e.getKey()), plain(e.getValue(), nulls));
                yield members;
            }
            case Collection<?> list -> {
                List<Object> items = new ArrayList<>(list.size());
                for (Object item : list) items.add(plain(item, nulls));
                yield items;
            }
            default ->
                throw new IllegalArgumentException(
                        "cannot bind a " + value.getClass().getName() + " to JSON");
        };
    }

    private static Object bind(Object node, Type type, String path) {
        if (type instanceof ParameterizedType p) return bindGeneric(node, p, path);
        if (!(type instanceof Class<?> c)) throw new IllegalArgumentException("cannot bind JSON to " + type);
        if (node == null) {
            if (c.isPrimitive()) throw new JsonException(field(path) + " is missing or null");
            return null;
        }
        if (c == String.class) {
            // A number or flag where text is expected is taken as its text (a hand-typed "5" vs 5 is no error).
            if (node instanceof String || node instanceof Number || node instanceof Boolean)
                return String.valueOf(node);
            throw mismatch(path, "text", node);
        }
        if (c == boolean.class || c == Boolean.class) {
            if (node instanceof Boolean b) return b;
            throw mismatch(path, "true or false", node);
        }
        if (c == long.class || c == Long.class) return whole(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
        if (c == int.class || c == Integer.class) return (int) whole(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (c == double.class || c == Double.class) {
            if (node instanceof Number n) return n.doubleValue();
            throw mismatch(path, "a number", node);
        }
        if (c == Instant.class) return instant(node, path);
        if (c.isEnum()) return constant(node, c, path);
        if (c == byte[].class) {
            if (node instanceof String s) {
                try {
                    return Base64.getDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    throw new JsonException(field(path) + " is not base64: " + e.getMessage());
                }
            }
            throw mismatch(path, "base64 text", node);
        }
        if (c.isRecord()) return record(node, c, path);
        if (c == Object.class) return node;
        if (c == Map.class || c == List.class) return bindGeneric(node, null, path, c);
        throw new IllegalArgumentException("cannot bind JSON to " + c.getName() + " (at " + field(path) + ")");
    }

    private static Object bindGeneric(Object node, ParameterizedType p, String path) {
        return bindGeneric(node, p, path, (Class<?>) p.getRawType());
    }

    private static Object bindGeneric(Object node, ParameterizedType p, String path, Class<?> raw) {
        if (node == null) return null;
        Type[] args = p == null ? null : p.getActualTypeArguments();
        if (raw == List.class || raw == Collection.class) {
            if (!(node instanceof List<?> items)) throw mismatch(path, "a list", node);
            Type element = args == null ? Object.class : args[0];
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) out.add(bind(items.get(i), element, path + "[" + i + "]"));
            return Collections.unmodifiableList(out);
        }
        if (raw == Map.class) {
            if (args != null && args[0] != String.class)
                throw new IllegalArgumentException("JSON maps have String keys, not " + args[0]);
            if (!(node instanceof Map<?, ?> members)) throw mismatch(path, "an object", node);
            Type valueType = args == null ? Object.class : args[1];
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : members.entrySet()) {
                String key = (String) e.getKey();
                out.put(key, bind(e.getValue(), valueType, path.isEmpty() ? key : path + "." + key));
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException("cannot bind JSON to " + p);
    }

    private static Object record(Object node, Class<?> type, String path) {
        if (!(node instanceof Map<?, ?> members)) throw mismatch(path, "an object", node);
        RecordShape shape = SHAPES.get(type);
        Object[] args = new Object[shape.components.length];
        for (int i = 0; i < args.length; i++) {
            RecordComponent rc = shape.components[i];
            String name = rc.getName();
            args[i] = bind(members.get(name), rc.getGenericType(), path.isEmpty() ? name : path + "." + name);
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new JsonException(path.isEmpty() ? message : field(path) + ": " + message, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static long whole(Object node, String path, long min, long max) {
        long v;
        if (node instanceof Long n) {
            v = n;
        } else if (node instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
            v = d.longValue();
        } else if (node instanceof BigInteger || node instanceof Number) {
            throw new JsonException(
                    field(path) + " must be a whole number from " + min + " to " + max + ", not " + node);
        } else {
            throw mismatch(path, "a whole number", node);
        }
        if (v < min || v > max)
            throw new JsonException(
                    field(path) + " must be a whole number from " + min + " to " + max + ", not " + node);
        return v;
    }

    private static Instant instant(Object node, String path) {
        if (node instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeException e) {
                try {
                    return OffsetDateTime.parse(s).toInstant();
                } catch (DateTimeException e2) {
                    throw new JsonException(
                            field(path) + ": '" + s + "' is not an ISO-8601 time such as 2026-11-29T10:15:30Z");
                }
            }
        }
        throw mismatch(path, "an ISO-8601 time", node);
    }

    private static Object constant(Object node, Class<?> type, String path) {
        if (!(node instanceof String s)) throw mismatch(path, "text", node);
        Object[] constants = type.getEnumConstants();
        for (Object constant : constants) {
            String name = constant instanceof JsonNamed n ? n.jsonName() : ((Enum<?>) constant).name();
            if (name.equals(s)) return constant;
        }
        String allowed = Arrays.stream(constants)
                .map(k -> k instanceof JsonNamed n ? n.jsonName() : ((Enum<?>) k).name())
                .collect(Collectors.joining(", "));
        throw new JsonException(field(path) + ": '" + s + "' is not one of " + allowed);
    }

    private static JsonException mismatch(String path, String expected, Object found) {
        return new JsonException(field(path) + " must be " + expected + ", not " + describe(found));
    }

    private static String describe(Object node) {
        return switch (node) {
            case Map<?, ?> m -> "an object";
            case List<?> l -> "a list";
            case String s -> "the text '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
            default -> String.valueOf(node);
        };
    }

    private static String field(String path) {
        return path.isEmpty() ? "the value" : "field '" + path + "'";
    }

    /** A record class's components, accessors and canonical constructor, looked up once. */
    private static final class RecordShape {
        final RecordComponent[] components;
        final Method[] accessors;
        final Constructor<?> constructor;

        private RecordShape(RecordComponent[] components, Method[] accessors, Constructor<?> constructor) {
            this.components = components;
            this.accessors = accessors;
            this.constructor = constructor;
        }

        static RecordShape of(Class<?> type) {
            if (!type.isRecord()) throw new IllegalArgumentException(type.getName() + " is not a record");
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                // Records nested in package-private types are bound too (evidence journal entries).
                accessors[i].setAccessible(true);
                types[i] = components[i].getType();
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return new RecordShape(components, accessors, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }

        Object get(Record r, int i) {
            try {
                return accessors[i].invoke(r);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("accessor " + accessors[i] + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + accessors[i], e);
            }
        }
    }
}
