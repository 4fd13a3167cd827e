fn main() {
    let args: Vec<String> = std::env::args().collect();
    let w = executor_debugger::wrapper_crate(&args[1], &args[2], std::path::Path::new(&args[3]), Default::default());
    std::fs::create_dir_all(&args[4]).unwrap();
    std::fs::write(format!("{}/Cargo.toml", args[4]), w.manifest).unwrap();
    std::fs::write(format!("{}/lib.rs", args[4]), w.source).unwrap();
}
