//! Placeholder quickstart until the module runtime lands.
fn main() {
    println!("lift-sdk quickstart: the module runtime is not built yet");
}
