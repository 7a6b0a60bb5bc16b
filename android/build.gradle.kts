// The tapid Android library (AAR). Not buildable on the development machine (no Gradle, SDK or
// NDK there); its Kotlin sources are compiled in the test command by android/compile-check.
//
// Before assembling: build the native libraries into src/main/jniLibs/<abi>/ and the
// Android-flavour bindings into build/generated/uniffi (tasks below; they need cargo-ndk and the
// NDK r28+, which aligns for 16 KB pages).
plugins {
    id("com.android.library") version "8.12.3"
    id("org.jetbrains.kotlin.android") version "2.4.21"
}

android {
    namespace = "se.tapid"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].java.srcDirs(
        "src/main/kotlin",
        "src/androidMain/kotlin",
        layout.buildDirectory.dir("generated/uniffi"),
    )
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
    implementation("androidx.annotation:annotation:1.9.1")
}

val repo = rootDir.resolve("..").canonicalFile

// Release libraries: no emulator (feature `testing` stays off), the size-tuned `mobile` profile.
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = repo
    commandLine(
        "cargo", "ndk", "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "-o", projectDir.resolve("src/main/jniLibs").path,
        "build", "--locked", "-p", "tapid-ffi", "--profile", "mobile",
    )
}

// Bindings from a host build of the same features (the metadata is platform-neutral).
val uniffiBindings by tasks.registering(Exec::class) {
    workingDir = repo
    environment("TAPID_FFI_FEATURES", "")
    commandLine("scripts/ffi-build.sh", "kotlin-android", layout.buildDirectory.dir("generated/uniffi").get().asFile.path)
}

tasks.named("preBuild") { dependsOn(cargoNdk, uniffiBindings) }
