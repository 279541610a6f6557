package org.openbwc.config;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openbwc.config.YamlNode.ScalarType;

/**
 * One record component with the documentation and constraints declared on it, and the conversions from YAML text that
 * follow from its type. Built once per component and cached with its {@link RecordSpec}.
 */
final class ComponentSpec {

    /**
     * Result of converting a YAML scalar: a value, or the reason it is not one.
     *
     * @param value the converted value (a Long for whole numbers until {@link #narrow} makes it an Integer)
     * @param problem why the text was refused, or null
     */
    record Converted(Object value, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private static final java.util.regex.Pattern DECIMAL_WHOLE = java.util.regex.Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final java.util.regex.Pattern HEX_WHOLE = java.util.regex.Pattern.compile("[-+]?0x[0-9a-fA-F_]+");
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?([0-9][0-9_]*)?(\\.[0-9_]*)?([eE][-+]?[0-9]+)?");

    private final String owner;
    private final String name;
    private final Class<?> type;
    private final Method accessor;
    private final String doc;
    private final IntRange intRange;
    private final DecimalRange decimalRange;
    private final Pattern pattern;
    private final java.util.regex.Pattern compiledPattern;
    private final TextLength textLength;
    private final UrlSchemes urlSchemes;
    private final String nullMeans;
    private final String defaultText;
    private final Object defaultValue;
    private final Map<String, Object> sectionDefaults;

    ComponentSpec(Class<?> ownerType, RecordComponent component) {
        this.owner = ownerType.getSimpleName();
        this.name = component.getName();
        this.type = component.getType();
        this.accessor = component.getAccessor();
        Doc docAnnotation = component.getAnnotation(Doc.class);
        if (docAnnotation == null) {
            throw new IllegalStateException(owner + "." + name + " has no @Doc; every configuration key is documented");
        }
        this.doc = docAnnotation.value();
        this.intRange = component.getAnnotation(IntRange.class);
        this.decimalRange = component.getAnnotation(DecimalRange.class);
        this.pattern = component.getAnnotation(Pattern.class);
        this.compiledPattern = pattern == null ? null : java.util.regex.Pattern.compile(pattern.regex());
        this.textLength = component.getAnnotation(TextLength.class);
        this.urlSchemes = component.getAnnotation(UrlSchemes.class);
        NullMeans nullable = component.getAnnotation(NullMeans.class);
        this.nullMeans = nullable == null ? null : nullable.value();
        DefaultValue declared = component.getAnnotation(DefaultValue.class);
        this.defaultText = declared == null ? null : declared.value();
        if (isRecord()) {
            this.defaultValue = null;
            this.sectionDefaults = defaultText == null ? Map.of() : parseSectionDefaults(defaultText);
        } else {
            this.defaultValue = defaultText == null ? null : parseDefault(defaultText);
            this.sectionDefaults = Map.of();
        }
    }

    String name() {
        return name;
    }

    Class<?> type() {
        return type;
    }

    Method accessor() {
        return accessor;
    }

    String doc() {
        return doc;
    }

    IntRange intRange() {
        return intRange;
    }

    DecimalRange decimalRange() {
        return decimalRange;
    }

    Pattern pattern() {
        return pattern;
    }

    TextLength textLength() {
        return textLength;
    }

    UrlSchemes urlSchemes() {
        return urlSchemes;
    }

    boolean nullable() {
        return nullMeans != null;
    }

    /** What leaving the key out means, or null if it may not be null. */
    String nullMeans() {
        return nullMeans;
    }

    boolean isRecord() {
        return type.isRecord();
    }

    boolean isEnum() {
        return type.isEnum();
    }

    boolean hasDefault() {
        return defaultText != null && !isRecord();
    }

    /** The default as typed value (Integer, Long, Double, Boolean, String or enum constant), if {@link #hasDefault()}. */
    Object defaultValue() {
        return defaultValue;
    }

    /** The default as written in the annotation, e.g. {@code 0x36}. */
    String defaultText() {
        return defaultText;
    }

    /** For a nested section: typed defaults for its keys declared on this component, e.g. {@code {pin=17}}. */
    Map<String, Object> sectionDefaults() {
        return sectionDefaults;
    }

    /** Unit of measure, derived from the key's name suffix so names and docs cannot disagree; null if none. */
    String unit() {
        if (name.endsWith("PercentPerHour")) {
            return "percent per hour";
        }
        String[][] suffixes = {
            {"Seconds", "seconds"}, {"Millis", "milliseconds"}, {"Micros", "microseconds"},
            {"Percent", "percent"}, {"Hz", "hertz"}, {"Bytes", "bytes"}
        };
        for (String[] suffix : suffixes) {
            if (name.endsWith(suffix[0])) {
                return suffix[1];
            }
        }
        return null;
    }

    /** Choices of an enum key as written in YAML. */
    List<String> choices() {
        return Arrays.stream(type.getEnumConstants())
                .map(ComponentSpec::yamlName)
                .toList();
    }

    /** How an enum constant is written in YAML: lower case, words joined by '-' ({@code ANY_LINK} is any-link). */
    static String yamlName(Object constant) {
        return ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Smallest whole number allowed, from {@link IntRange} or else the Java type. */
    long minimum() {
        long typeMin = type == int.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
        return intRange == null ? typeMin : Math.max(typeMin, intRange.min());
    }

    /** Largest whole number allowed, from {@link IntRange} or else the Java type. */
    long maximum() {
        long typeMax = type == int.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
        return intRange == null ? typeMax : Math.min(typeMax, intRange.max());
    }

    /** What kind of value the key takes, for "expected ..." messages. */
    String kindName() {
        if (isWhole()) {
            return "a whole number";
        } else if (type == double.class) {
            return "a number";
        } else if (type == boolean.class) {
            return "true or false";
        } else if (isEnum()) {
            return "one of " + String.join(", ", choices());
        } else if (isRecord()) {
            return "a mapping";
        }
        return "text";
    }

    /** What the key accepts, in words, for "(allowed: ...)"; null if any text goes. */
    String allowed() {
        if (isWhole()) {
            return display(minimum()) + ".." + display(maximum());
        } else if (type == double.class) {
            return decimalRange == null ? null : decimal(decimalRange.min()) + ".." + decimal(decimalRange.max());
        } else if (type == boolean.class) {
            return "true, false";
        } else if (isEnum()) {
            return String.join(", ", choices());
        } else if (isRecord()) {
            return "a mapping of " + String.join(", ", RecordSpec.of(type).names());
        } else if (pattern != null) {
            return pattern.allowed();
        } else if (urlSchemes != null) {
            List<String> schemes = Arrays.stream(urlSchemes.value())
                    .map(s -> s + "://HOST:PORT")
                    .toList();
            return String.join(", ", schemes.subList(0, schemes.size() - 1))
                    + " or " + schemes.get(schemes.size() - 1)
                    + (defaultText == null ? "" : ", e.g. " + defaultText);
        } else if (textLength != null) {
            return textLength.min() == 0
                    ? "at most " + textLength.max() + " characters"
                    : textLength.min() + " to " + textLength.max() + " characters";
        }
        return null;
    }

    /** A value as a technician would write it; hexadecimal where the range says so. */
    String display(Object value) {
        if (value == null) {
            return null;
        }
        if (intRange != null && intRange.hex() && value instanceof Number number) {
            long n = number.longValue();
            return (n < 0 ? "-0x" : "0x") + String.format(Locale.ROOT, "%02x", Math.abs(n));
        }
        if (value instanceof Double d) {
            return decimal(d);
        }
        if (value instanceof Enum<?> constant) {
            return yamlName(constant);
        }
        return String.valueOf(value);
    }

    /** Converts a non-null YAML scalar to this key's type, judging by the parser's type so quoted numbers are caught. */
    Converted convert(YamlNode.Scalar scalar) {
        String text = scalar.text();
        ScalarType scalarType = scalar.type();
        if (isWhole()) {
            Long whole = scalarType == ScalarType.INTEGER ? parseWhole(text) : null;
            if (whole != null) {
                return new Converted(whole, null);
            }
            if (scalarType == ScalarType.INTEGER) {
                return new Converted(null, "is out of range");
            }
            return new Converted(
                    null,
                    scalarType == ScalarType.STRING && parseWhole(text) != null
                            ? "is in quotes, which makes it text, not a whole number; remove the quotes"
                            : "is not a whole number");
        }
        if (type == double.class) {
            boolean numeric = scalarType == ScalarType.INTEGER || scalarType == ScalarType.DECIMAL;
            Double number = parseDecimal(text);
            if (numeric && number != null) {
                return new Converted(number, null);
            }
            return new Converted(
                    null,
                    scalarType == ScalarType.STRING && number != null
                            ? "is in quotes, which makes it text, not a number; remove the quotes"
                            : "is not a number");
        }
        if (type == boolean.class) {
            if (scalarType == ScalarType.TRUE || scalarType == ScalarType.FALSE) {
                return new Converted(scalarType == ScalarType.TRUE, null);
            }
            boolean quoted = scalarType == ScalarType.STRING
                    && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"));
            return new Converted(
                    null,
                    quoted
                            ? "is in quotes, which makes it text, not true or false; remove the quotes"
                            : "is not true or false");
        }
        if (isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (yamlName(constant).equals(text)) {
                    return new Converted(constant, null);
                }
            }
            String meant = Spelling.closest(text, choices());
            return new Converted(
                    null,
                    meant == null ? "is not a valid choice" : "is not a valid choice, did you mean " + meant + "?");
        }
        if (type == String.class) {
            return new Converted(text, null);
        }
        throw new IllegalStateException(owner + "." + name + " has unsupported type " + type.getName());
    }

    /** Turns a checked converted value into the component's Java type. */
    Object narrow(Object converted) {
        return type == int.class && converted instanceof Long whole ? Integer.valueOf(whole.intValue()) : converted;
    }

    /** Violations of this key's own constraints by a non-null value. */
    List<Violation> check(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n < minimum() || n > maximum()) {
                return List.of(new Violation(name, display(value), "is out of range", allowed()));
            }
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                return List.of(new Violation(name, display(value), "is not a finite number", allowed()));
            }
            if (decimalRange != null && (d < decimalRange.min() || d > decimalRange.max())) {
                return List.of(new Violation(name, display(value), "is out of range", allowed()));
            }
        } else if (value instanceof String text) {
            return checkText(text);
        }
        return List.of();
    }

    private List<Violation> checkText(String text) {
        if (textLength != null && text.length() < textLength.min()) {
            String problem = text.isEmpty() ? "is empty" : "is too short (" + text.length() + " characters)";
            return List.of(new Violation(name, text, problem, allowed()));
        }
        if (textLength != null && text.length() > textLength.max()) {
            return List.of(new Violation(name, text, "is too long (" + text.length() + " characters)", allowed()));
        }
        if (compiledPattern != null && !compiledPattern.matcher(text).matches()) {
            return List.of(new Violation(name, text, "is not valid", allowed()));
        }
        if (urlSchemes != null) {
            String reason = urlProblem(text);
            if (reason != null) {
                return List.of(new Violation(name, text, "is not a valid URL: " + reason, allowed()));
            }
        }
        return List.of();
    }

    private String urlProblem(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return e.getReason();
        }
        List<String> schemes = Arrays.asList(urlSchemes.value());
        if (uri.getScheme() == null) {
            return "it has no scheme such as " + schemes.get(0) + "://";
        }
        if (!schemes.contains(uri.getScheme())) {
            return "scheme " + uri.getScheme() + " is not supported";
        }
        if (uri.getHost() == null) {
            return "it has no valid host name";
        }
        if (uri.getPort() < 0) {
            return "it has no port";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "port " + uri.getPort() + " is not 1..65535";
        }
        return null;
    }

    private boolean isWhole() {
        return type == int.class || type == long.class;
    }

    /** Parses decimal (leading zeros are still decimal, unlike YAML 1.1 octal) or 0x hex, with '_' separators. */
    private static Long parseWhole(String text) {
        String digits = text.replace("_", "");
        try {
            BigInteger value;
            if (HEX_WHOLE.matcher(text).matches()) {
                boolean negative = digits.startsWith("-");
                String hex = digits.substring(digits.indexOf('x') + 1);
                value = negative ? new BigInteger(hex, 16).negate() : new BigInteger(hex, 16);
            } else if (DECIMAL_WHOLE.matcher(text).matches()) {
                value = new BigInteger(digits);
            } else {
                return null;
            }
            return value.bitLength() < Long.SIZE ? value.longValue() : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDecimal(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals(".nan")) {
            return Double.NaN;
        }
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        Long whole = parseWhole(text);
        if (whole != null) {
            return whole.doubleValue();
        }
        if (!DECIMAL.matcher(text).matches() || !text.chars().anyMatch(Character::isDigit)) {
            return null;
        }
        return Double.parseDouble(text.replace("_", ""));
    }

    private static String decimal(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private Object parseDefault(String text) {
        ScalarType scalarType;
        if (isWhole()) {
            scalarType = ScalarType.INTEGER;
        } else if (type == double.class) {
            scalarType = ScalarType.DECIMAL;
        } else if (type == boolean.class && text.equals("true")) {
            scalarType = ScalarType.TRUE;
        } else if (type == boolean.class && text.equals("false")) {
            scalarType = ScalarType.FALSE;
        } else {
            scalarType = ScalarType.STRING;
        }
        return checkedDefault(this, new YamlNode.Scalar(scalarType, text, 0, false));
    }

    private Map<String, Object> parseSectionDefaults(String text) {
        YamlNode root = YamlReader.parse(Path.of("@DefaultValue of " + owner + "." + name), text)
                .root();
        if (!(root instanceof YamlNode.Mapping mapping)) {
            throw new IllegalStateException(
                    owner + "." + name + " @DefaultValue must be a YAML mapping like {pin: 17}");
        }
        RecordSpec section = RecordSpec.of(type);
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (YamlNode.Entry entry : mapping.entries().values()) {
            ComponentSpec key = section.component(entry.key());
            if (key == null || key.isRecord() || !(entry.value() instanceof YamlNode.Scalar scalar)) {
                throw new IllegalStateException(owner + "." + name + " @DefaultValue sets " + entry.key()
                        + ", which is not a plain key of " + type.getSimpleName());
            }
            defaults.put(entry.key(), checkedDefault(key, scalar));
        }
        return Collections.unmodifiableMap(defaults);
    }

    /** Converts and checks a default so a bad annotation fails when the class is first used, not in the field. */
    private Object checkedDefault(ComponentSpec key, YamlNode.Scalar scalar) {
        Converted converted = key.convert(scalar);
        List<Violation> violations = converted.ok() ? key.check(converted.value()) : List.of();
        if (!converted.ok() || !violations.isEmpty()) {
            String reason = converted.ok()
                    ? violations.stream().map(Violation::problem).collect(Collectors.joining("; "))
                    : converted.problem();
            throw new IllegalStateException("default " + scalar.text() + " of " + owner + "." + name + " " + reason);
        }
        return key.narrow(converted.value());
    }
}
