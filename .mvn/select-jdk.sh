# Sourced by mvnw and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1
}
hub_java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
[ -n "$hub_java" ] || hub_java="$(command -v java || true)"
if [ -z "$hub_java" ] || [ "$(java_major "$hub_java" 2>/dev/null || echo 0)" -lt 21 ] 2>/dev/null; then
  hub_best=""
  hub_best_major=0
  case "$-" in *f*) hub_noglob=1 ;; *) hub_noglob="" ;; esac
  set +f
  for jdk in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$jdk/bin/javac" ] || continue
    m="$(java_major "$jdk/bin/java" 2>/dev/null || echo 0)"
    if [ "${m:-0}" -ge 21 ] && [ "$m" -gt "$hub_best_major" ]; then hub_best="$jdk"; hub_best_major="$m"; fi
  done
  [ -z "$hub_noglob" ] || set -f
  if [ -z "$hub_best" ]; then
    echo "webhook-hub needs a JDK 21 or newer: set JAVA_HOME to one (found none under /usr/lib/jvm)." >&2
    exit 1
  fi
  JAVA_HOME="$hub_best"
  export JAVA_HOME
fi
unset hub_java hub_best hub_best_major hub_noglob
