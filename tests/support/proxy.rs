//! A TCP forwarder between a job and a real server, which a test cuts and restores to make the server
//! go away mid-run: [`TcpProxy::cut`] drops every open connection and refuses new ones (accepting and
//! closing them at once) until [`TcpProxy::restore`]; a Kafka proxy can spare one client's
//! connections ([`TcpProxy::serve_kafka`]). Nothing is simulated: every byte goes to the real server
//! behind it.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct TcpProxy {
    port: u16,
    down: Arc<AtomicBool>,
    stopped: Arc<AtomicBool>,
    /// Both ends of every forwarded connection, to shut down when cut.
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl TcpProxy {
    /// Forwards a fresh loopback port to `target`.
    pub fn start(target: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        TcpProxy::serve(listener, target)
    }

    /// Forwards `listener`'s port to `target` (for a port a server must know before the proxy runs).
    pub fn serve(listener: TcpListener, target: SocketAddr) -> TcpProxy {
        TcpProxy::start_serving(listener, target, None)
    }

    /// [`TcpProxy::serve`] for a Kafka broker, except that connections whose first request names
    /// the client id `exempt` are forwarded and kept while the proxy is cut: a test's own client
    /// reaches the broker that way while the job's connections are cut (a broker advertises one
    /// address, the proxy's, so every client connects through it).
    pub fn serve_kafka(listener: TcpListener, target: SocketAddr, exempt: &str) -> TcpProxy {
        TcpProxy::start_serving(listener, target, Some(exempt.to_string()))
    }

    fn start_serving(listener: TcpListener, target: SocketAddr, exempt: Option<String>) -> TcpProxy {
        let port = listener.local_addr().expect("local addr").port();
        listener.set_nonblocking(true).expect("nonblocking listener");
        let proxy = TcpProxy {
            port,
            down: Arc::new(AtomicBool::new(false)),
            stopped: Arc::new(AtomicBool::new(false)),
            open: Arc::new(Mutex::new(Vec::new())),
        };
        let (down, stopped, open) = (Arc::clone(&proxy.down), Arc::clone(&proxy.stopped), Arc::clone(&proxy.open));
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                let client = match listener.accept() {
                    Ok((client, _)) => client,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                };
                let _ = client.set_nonblocking(false);
                let (down, open) = (Arc::clone(&down), Arc::clone(&open));
                match &exempt {
                    None => forward(client, target, &down, &open, Vec::new(), false),
                    // The first request is read on a thread of its own (a client may be slow).
                    Some(exempt) => {
                        let exempt = exempt.clone();
                        std::thread::spawn(move || {
                            let mut client = client;
                            let Some(first) = first_request(&mut client) else {
                                let _ = client.shutdown(Shutdown::Both);
                                return;
                            };
                            let is_exempt = kafka_client_id(&first).is_some_and(|id| id == exempt);
                            forward(client, target, &down, &open, first, is_exempt);
                        });
                    }
                }
            }
        });
        proxy
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server goes away: open connections drop, new ones are closed at once.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        if let Ok(mut list) = self.open.lock() {
            for stream in list.drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }

    /// The server is back: new connections are forwarded again.
    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.cut();
    }
}

/// Forwards `client` to `target` (first sending `first`, bytes already read from the client),
/// unless the proxy is cut and the connection is not `exempt`; an exempt connection is not dropped
/// by a cut.
fn forward(
    client: TcpStream,
    target: SocketAddr,
    down: &AtomicBool,
    open: &Mutex<Vec<TcpStream>>,
    first: Vec<u8>,
    exempt: bool,
) {
    if down.load(Ordering::SeqCst) && !exempt {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(mut server) = TcpStream::connect_timeout(&target, Duration::from_secs(5)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    if server.write_all(&first).is_err() {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    if !exempt {
        if let (Ok(c), Ok(s), Ok(mut list)) = (client.try_clone(), server.try_clone(), open.lock()) {
            list.push(c);
            list.push(s);
        }
    }
    pipe(&client, &server);
    pipe(&server, &client);
}

/// A Kafka client's first request (its 4-byte size and the request), read within 5 s.
fn first_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    client.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut size = [0u8; 4];
    client.read_exact(&mut size).ok()?;
    let len = usize::try_from(i32::from_be_bytes(size)).ok()?.min(1 << 20);
    let mut request = vec![0u8; len];
    client.read_exact(&mut request).ok()?;
    client.set_read_timeout(None).ok()?;
    let mut first = size.to_vec();
    first.extend_from_slice(&request);
    Some(first)
}

/// The client id of a Kafka request (size, api key, api version, correlation id, then the client
/// id as a 2-byte length and its bytes, in every request header version).
fn kafka_client_id(request: &[u8]) -> Option<String> {
    let len = usize::try_from(i16::from_be_bytes([*request.get(12)?, *request.get(13)?])).ok()?;
    let id = request.get(14..14 + len)?;
    Some(String::from_utf8_lossy(id).into_owned())
}

/// Copies `from` to `to` on a thread until either side closes.
fn pipe(from: &TcpStream, to: &TcpStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}
