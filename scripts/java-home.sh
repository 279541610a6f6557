# shellcheck shell=bash
# Sourced (not run) by ./bwc, .ci/run and bench/*: finds a JDK 21 or newer and exports JAVA_HOME, or stops the
# script that sourced it with a message. Order: $JAVA_HOME if it is a JDK 21+, then the usual Debian/Ubuntu and
# Temurin locations, then the `java` on PATH.
#
#   . "$ROOT/scripts/java-home.sh"

bwc_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

bwc_find_java() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 \
      /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/temurin-21-jdk-arm64 \
      /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/java-21-openjdk-arm64; do
    if [ -n "$c" ] && [ -x "$c/bin/java" ] \
        && [ "$(bwc_java_major "$c/bin/java")" -ge 21 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  if command -v java >/dev/null && [ "$(bwc_java_major java)" -ge 21 ] 2>/dev/null; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    return 0
  fi
  echo "${0##*/}: needs a JDK 21 or newer; set JAVA_HOME to one (found: $(java -version 2>&1 | head -1 || echo none))" >&2
  return 1
}

# Not `export JAVA_HOME="$(bwc_find_java)"`: export would hide the failure.
BWC_JAVA_HOME="$(bwc_find_java)" || exit 1
export JAVA_HOME="$BWC_JAVA_HOME"
unset BWC_JAVA_HOME
