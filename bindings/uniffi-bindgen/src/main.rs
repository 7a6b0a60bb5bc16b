//! `uniffi-bindgen generate target/debug/libtapid_ffi.so --language kotlin|swift --out-dir DIR
//! --no-format`: generates the Kotlin and Swift bindings from the built library (library mode),
//! at exactly the uniffi version the FFI crate is built with. Run it inside the workspace: it
//! reads `bindings/ffi/uniffi.toml` through `cargo metadata`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
