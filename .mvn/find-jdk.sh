# Sourced by ./mvnw, ./herald and .ci/run: makes JAVA_HOME point at a JDK >= 21.
# Keeps a JAVA_HOME that is already >= 21; otherwise takes the newest such JDK in /usr/lib/jvm
# (Debian's place for JDKs); otherwise stops with a message that says what to do.

herald_java_major() {
  "$1/bin/java" -version 2>&1 | awk -F '"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

herald_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(herald_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  best="" best_major=0
  # find, not a glob: ./mvnw runs with globbing off (set -f)
  for candidate in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort); do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(herald_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$candidate" best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "Herald needs JDK 21 or newer; set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

herald_find_jdk || exit 1
