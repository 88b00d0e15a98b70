//! Runs a page's commands as a reader would: one bash for the whole page, in a folder of its
//! own, with `titancard-wh` (the binary under test) on the PATH, so that `export`, `cd`, pipes
//! and `$?` behave as they do in a terminal. Servers run in the background, each in its own
//! process group, and are stopped with SIGINT as Ctrl-C stops them.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// What ends each command's output in the shell's stream (ASCII record separators around it).
const MARK: &[u8] = b"\x1eDOC-STATUS ";

/// How long one command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a server may take to print its first line.
const SERVER_START: Duration = Duration::from_secs(30);

/// A server started by the page, until its section ends.
pub struct Server {
    /// Where its output goes.
    pub log: PathBuf,
    /// The shell variable holding its pid.
    variable: String,
    pid: u32,
}

/// One bash, fed a command at a time.
pub struct Shell {
    child: Child,
    stdin: ChildStdin,
    output: Receiver<Vec<u8>>,
    pending: Vec<u8>,
    logs: PathBuf,
    started: usize,
    pids: Vec<u32>,
}

impl Shell {
    /// A bash in `work` with `env` as its whole environment; stderr joins stdout, and job
    /// control is on so that each server gets its own process group (and Ctrl-C's SIGINT, which
    /// a shell without job control makes its background commands ignore).
    pub fn start(work: &Path, logs: &Path, env: &[(String, String)]) -> Shell {
        let mut child = Command::new("bash")
            .args(["--noprofile", "--norc"])
            .current_dir(work)
            .env_clear()
            .envs(env.iter().map(|(key, value)| (key, value)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash runs the documented commands");
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (sender, output) = channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(count @ 1..) = stdout.read(&mut buffer) {
                if sender.send(buffer[..count].to_vec()).is_err() {
                    break;
                }
            }
        });
        stdin.write_all(b"exec 2>&1\nset -m\n").unwrap();
        Shell {
            child,
            stdin,
            output,
            pending: Vec::new(),
            logs: logs.to_path_buf(),
            started: 0,
            pids: Vec::new(),
        }
    }

    /// Runs one command in the shell: what it printed and its exit status.
    pub fn run(&mut self, command: &str) -> Result<(String, i32), String> {
        // The braces keep `export` and `cd` in this shell; the newline before `}` keeps a
        // trailing comment from swallowing it; `(exit N)` gives `$?` back to the next command.
        self.send(&format!(
            "{{ {command}\n}} < /dev/null\n__doc=$?; printf '\\036DOC-STATUS %d\\036\\n' $__doc; (exit $__doc)\n"
        ))?;
        self.read_status(COMMAND_TIMEOUT)
    }

    /// Starts a server in the background and waits for its first line.
    pub fn start_server(&mut self, command: &str) -> Result<Server, String> {
        self.started += 1;
        let log = self.logs.join(format!("server-{}.log", self.started));
        let variable = format!("__doc_server_{}", self.started);
        self.send(&format!(
            "{{ {command}\n}} > '{}' 2>&1 < /dev/null &\n{variable}=$!\nprintf '\\036DOC-STATUS %d\\036\\n' ${variable}\n",
            log.display()
        ))?;
        let (_, pid) = self.read_status(COMMAND_TIMEOUT)?;
        let pid = pid as u32;
        self.pids.push(pid);
        let deadline = Instant::now() + SERVER_START;
        loop {
            let printed = std::fs::read_to_string(&log).unwrap_or_default();
            if printed.contains('\n') {
                return Ok(Server { log, variable, pid });
            }
            if !alive(pid) {
                return Err(format!("it exited before printing a line:\n{printed}"));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "it printed no line within {SERVER_START:?}:\n{printed}"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-C for a server: SIGINT to its process group, then everything it printed.
    pub fn stop_server(&mut self, server: &Server) -> Result<String, String> {
        self.send(&format!(
            "{{ kill -INT -- -${0}; wait ${0}; }} 2>/dev/null; printf '\\036DOC-STATUS %d\\036\\n' $?\n",
            server.variable
        ))?;
        self.read_status(COMMAND_TIMEOUT)?;
        self.pids.retain(|pid| *pid != server.pid);
        Ok(String::from_utf8_lossy(&std::fs::read(&server.log).unwrap_or_default()).into_owned())
    }

    fn send(&mut self, script: &str) -> Result<(), String> {
        self.stdin
            .write_all(script.as_bytes())
            .map_err(|err| format!("the shell is gone: {err}"))
    }

    /// The output up to the next status mark, and the status.
    fn read_status(&mut self, timeout: Duration) -> Result<(String, i32), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = find(&self.pending, MARK) {
                let rest = &self.pending[at + MARK.len()..];
                if let Some(end) = rest.iter().position(|&b| b == 0x1e) {
                    let status = String::from_utf8_lossy(&rest[..end]).parse().unwrap_or(-1);
                    let output = String::from_utf8_lossy(&self.pending[..at]).into_owned();
                    // The mark is followed by its newline.
                    self.pending
                        .drain(..(at + MARK.len() + end + 2).min(self.pending.len()));
                    return Ok((output, status));
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.pending.extend_from_slice(&chunk),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "no end within {timeout:?}; it printed:\n{}",
                        String::from_utf8_lossy(&self.pending)
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the shell exited; it printed:\n{}",
                        String::from_utf8_lossy(&self.pending)
                    ));
                }
            }
        }
    }
}

impl Drop for Shell {
    /// Whatever the page left running goes with it.
    fn drop(&mut self) {
        for pid in &self.pids {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a process is still running (not gone, and not a zombie that bash has yet to reap).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the parenthesised command name.
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
