//! A local HTTP/1.1 server for tests, included by the CLI and emulator test crates
//! (`#[path]`): for what talks to servers this machine cannot reach.

/// A local HTTP/1.1 server (keep-alive) on 127.0.0.1 that answers each request with
/// `handler(method, path, body)` = (status, content type, body); returns its port. For the tests
/// of what talks to servers this machine cannot reach (the Price List API, release downloads,
/// GitHub's REST API).
pub fn http_server(
    handler: impl Fn(&str, &str, &[u8]) -> (u16, &'static str, Vec<u8>) + Send + Sync + 'static,
) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler = std::sync::Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let handler = handler.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut words = request_line.split(' ');
                    let method = words.next().unwrap_or("GET").to_string();
                    let path = words.next().unwrap_or("/").to_string();
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let (status, kind, answer) = handler(&method, &path, &body);
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
                        answer.len()
                    );
                    if writer.write_all(head.as_bytes()).is_err()
                        || writer.write_all(&answer).is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    port
}
