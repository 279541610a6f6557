package org.openbwc.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a configuration record declares about itself, read once by reflection and cached per class. */
final class RecordSpec {

    private static final ClassValue<RecordSpec> CACHE = new ClassValue<>() {
        @Override
        protected RecordSpec computeValue(Class<?> type) {
            return new RecordSpec(type);
        }
    };

    private final Class<?> type;
    private final List<ComponentSpec> components;
    private final Map<String, ComponentSpec> byName = new LinkedHashMap<>();
    private final Map<String, RejectedKey> rejectedKeys = new LinkedHashMap<>();
    private final CrossRule crossRule;
    private final Constructor<?> constructor;

    private RecordSpec(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        RecordComponent[] recordComponents = type.getRecordComponents();
        this.components = Arrays.stream(recordComponents)
                .map(c -> new ComponentSpec(type, c))
                .toList();
        components.forEach(c -> byName.put(c.name(), c));
        for (RejectedKey rejected : type.getAnnotationsByType(RejectedKey.class)) {
            rejectedKeys.put(rejected.key(), rejected);
        }
        CrossCheck crossCheck = type.getAnnotation(CrossCheck.class);
        try {
            this.crossRule = crossCheck == null
                    ? null
                    : crossCheck.value().getDeclaredConstructor().newInstance();
            this.constructor = type.getDeclaredConstructor(Arrays.stream(recordComponents)
                    .map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot prepare configuration record " + type.getName(), e);
        }
    }

    static RecordSpec of(Class<?> type) {
        return CACHE.get(type);
    }

    Class<?> type() {
        return type;
    }

    List<ComponentSpec> components() {
        return components;
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The component called {@code name}, or null. */
    ComponentSpec component(String name) {
        return byName.get(name);
    }

    Map<String, RejectedKey> rejectedKeys() {
        return rejectedKeys;
    }

    /** The rule over several keys, or null. */
    CrossRule crossRule() {
        return crossRule;
    }

    /** Reads a component of a record of this type by name; null if there is no such component. */
    Object read(Object record, String name) {
        ComponentSpec component = byName.get(name);
        if (component == null) {
            return null;
        }
        try {
            return component.accessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + name, e);
        }
    }

    /**
     * Calls the canonical constructor.
     *
     * @throws IllegalArgumentException from the constructor's own validation
     */
    Object construct(Object[] args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (IllegalArgumentException e) {
            // Thrown by reflection itself, before the constructor runs: a Java type mix-up, not a configuration
            // mistake.
            throw new IllegalStateException(
                    "wrong argument types for " + type.getSimpleName() + ": " + Arrays.toString(args), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /**
     * Builds a record from its declared defaults.
     *
     * @param given values that take precedence over the declared defaults, by component name
     * @throws IllegalArgumentException if a given value is invalid or a key without default is not given
     */
    Object defaults(Map<String, ?> given) {
        Object[] args = new Object[components.size()];
        for (int i = 0; i < args.length; i++) {
            ComponentSpec component = components.get(i);
            if (given.containsKey(component.name())) {
                args[i] = given.get(component.name());
            } else if (component.isRecord()) {
                args[i] = of(component.type()).defaults(component.sectionDefaults());
            } else if (component.hasDefault()) {
                args[i] = component.defaultValue();
            } else if (!component.nullable()) {
                throw new IllegalArgumentException(
                        type.getSimpleName() + "." + component.name() + " has no default and must be given");
            }
        }
        return construct(args);
    }
}
