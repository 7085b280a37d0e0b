//! A TCP forwarder between a job and a real server, which a test cuts and restores to make the server
//! go away mid-run: [`TcpProxy::cut`] drops every open connection and refuses new ones (accepting and
//! closing them at once) until [`TcpProxy::restore`]. Nothing is simulated: every byte goes to the
//! real server behind it.

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
                if down.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let _ = client.set_nonblocking(false);
                let Ok(server) = TcpStream::connect_timeout(&target, Duration::from_secs(5)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                if let (Ok(c), Ok(s), Ok(mut list)) = (client.try_clone(), server.try_clone(), open.lock()) {
                    list.push(c);
                    list.push(s);
                }
                pipe(&client, &server);
                pipe(&server, &client);
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
