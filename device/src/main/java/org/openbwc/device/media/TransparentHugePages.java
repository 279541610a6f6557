package org.openbwc.device.media;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * Turns transparent huge pages off for the whole process, as {@code prctl(PR_SET_THP_DISABLE)} does. libx264 asks the
 * kernel for huge pages (madvise) on its large buffers, and a huge page is resident in full, 2 MiB, however little of
 * it the encoder touches: in a 1080p x264 unit that was 40 MiB of huge pages and about 7 MiB more RSS than with
 * normal pages (bench/README.md). A unit runs on a memory budget, so it gives that up.
 *
 * <p>The call goes through the JDK's foreign function API, which is final from JDK 22 and reached by reflection here
 * because the project compiles for 21. On JDK 21, off Linux, or where the kernel refuses, nothing changes and the
 * reason is logged at DEBUG.
 */
public final class TransparentHugePages {
    private static final int PR_SET_THP_DISABLE = 41;
    private static final int PR_GET_THP_DISABLE = 42;

    private TransparentHugePages() {}

    /** Disables THP for this process; true when the kernel then reports it disabled. */
    public static synchronized boolean disableForThisProcess() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return unchanged("not Linux");
        if (Runtime.version().feature() < 22)
            return unchanged("JDK " + Runtime.version().feature() + " has no final foreign function API");
        try {
            MethodHandle prctl = prctl();
            int set = (int) prctl.invokeWithArguments(PR_SET_THP_DISABLE, 1L, 0L, 0L, 0L);
            int now = (int) prctl.invokeWithArguments(PR_GET_THP_DISABLE, 0L, 0L, 0L, 0L);
            if (set != 0 || now != 1) return unchanged("prctl returned " + set + ", THP disabled reads " + now);
            Logger.debug("transparent huge pages disabled for this process (prctl PR_SET_THP_DISABLE)");
            return true;
        } catch (Throwable e) {
            return unchanged(e.toString());
        }
    }

    private static boolean unchanged(String why) {
        Logger.debug("transparent huge pages left as the system sets them: {}", why);
        return false;
    }

    /** {@code int prctl(int option, ...)} with four unsigned long arguments after the option. */
    private static MethodHandle prctl() throws ReflectiveOperationException {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");

        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
        Optional<?> symbol =
                (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "prctl");
        if (symbol.isEmpty()) throw new ReflectiveOperationException("the C library has no prctl");
        Object javaInt = valueLayoutType.getField("JAVA_INT").get(null);
        Object javaLong = valueLayoutType.getField("JAVA_LONG").get(null);
        Object arguments = Array.newInstance(layoutType, 5);
        Array.set(arguments, 0, javaInt);
        for (int i = 1; i < 5; i++) Array.set(arguments, i, javaLong);
        Object descriptor =
                descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, javaInt, arguments);
        Object options = Array.newInstance(optionType, 1);
        // prctl is variadic after its first argument; the calling convention must know (x86-64 passes a count in AL)
        Array.set(
                options, 0, optionType.getMethod("firstVariadicArg", int.class).invoke(null, 1));
        return (MethodHandle) linkerType
                .getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                .invoke(linker, symbol.get(), descriptor, options);
    }
}
