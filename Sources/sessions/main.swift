import Glibc
import SessionsCLI

// Files the store creates are private whatever the caller's umask; the store
// also sets modes explicitly, this only closes the window before it does.
umask(0o077)
SessionsMain.runProcess()
