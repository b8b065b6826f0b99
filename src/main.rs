fn main() {
    println!("ecsctl: under construction");
}
