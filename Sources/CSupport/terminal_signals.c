#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "CSupport.h"

// Signals arrive at any instant, but curses may only be called from the run
// loop's thread. So the polite signals (INT, TERM, HUP) are only written to a
// pipe the loop polls; it restores the terminal and then dies of the same
// signal. Crashes cannot wait for the loop: their handler restores the
// terminal at once, then lets the previous handler (or the default) run.

static int signal_pipe[2] = {-1, -1};

static void forward_signal(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    if (signal_pipe[1] >= 0) {
        ssize_t ignored = write(signal_pipe[1], &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int sessions_signal_pipe_install(void) {
    if (signal_pipe[0] < 0) {
        if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return signal_pipe[0];
}

int sessions_signal_pipe_read(void) {
    unsigned char byte = 0;
    if (signal_pipe[0] < 0) return 0;
    ssize_t got = read(signal_pipe[0], &byte, 1);
    return got == 1 ? (int)byte : 0;
}

void sessions_die_of_signal(int signo) {
    signal(signo, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signo);
    _exit(128 + signo);
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
#define CRASH_SIGNAL_COUNT (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous_crash_actions[CRASH_SIGNAL_COUNT];
static void (*crash_restore)(void) = NULL;

static void handle_crash(int signo) {
    if (crash_restore != NULL) {
        void (*restore)(void) = crash_restore;
        crash_restore = NULL;
        restore();
    }
    for (unsigned i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (crash_signals[i] == signo) {
            sigaction(signo, &previous_crash_actions[i], NULL);
        }
    }
    // Returning re-executes a faulting instruction under the previous handler;
    // raising covers signals that were sent rather than caused.
    raise(signo);
}

int sessions_crash_handlers_install(void (*restore)(void)) {
    crash_restore = restore;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle_crash;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_NODEFER;
    for (unsigned i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (sigaction(crash_signals[i], &action, &previous_crash_actions[i]) != 0) return -1;
    }
    return 0;
}

void sessions_crash_handlers_remove(void) {
    crash_restore = NULL;
    for (unsigned i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        sigaction(crash_signals[i], &previous_crash_actions[i], NULL);
    }
}

int sessions_watch_directory(const char *path) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return -1;
    uint32_t mask = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF;
    if (inotify_add_watch(fd, path, mask) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int sessions_watch_drain(int fd) {
    char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int events = 0;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got <= 0) break;
        events++;
    }
    return events;
}
