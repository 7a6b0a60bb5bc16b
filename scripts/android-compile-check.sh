#!/usr/bin/env bash
# Compiles the Android module's Kotlin (Android-flavour bindings, facade, IsoDep adapter)
# against the Android API 34 jar from Maven Central. No Gradle/SDK/NDK exists here to build the
# AAR; this is the check that the sources compile. Reuses the library built by ffi-build.sh
# (TAPID_SKIP_CARGO=1 when the JVM tests just built it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/ffi-build.sh" kotlin-android "$ROOT/android/compile-check/target/generated-sources/uniffi-android"
mvn -B -q -f "$ROOT/android/compile-check/pom.xml" compile
classes=$(find "$ROOT/android/compile-check/target/classes" -name '*.class' | wc -l)
echo "android-compile-check: $classes classes compiled against android-all API 34"
