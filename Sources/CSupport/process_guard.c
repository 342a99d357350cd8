#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "CSupport.h"

// Two last words a process may need when it is stopped from outside or
// cannot go on. Both run inside signal handlers, so they only use calls that
// are async-signal-safe (unlink, write, sigaction, raise, _exit) on data
// prepared before the signal could arrive.

// A file to remove if the process is stopped before it finishes it: the
// export's temp file. The path is copied in before the file is created, so
// there is no instant at which the file exists and no handler knows it.
static char cleanup_path[4096];
static volatile sig_atomic_t cleanup_armed = 0;

static const int polite_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define POLITE_COUNT (sizeof polite_signals / sizeof polite_signals[0])
static struct sigaction previous_polite[POLITE_COUNT];
static int polite_installed[POLITE_COUNT];

void sessions_cleanup_now(void) {
    if (cleanup_armed) {
        cleanup_armed = 0;
        atomic_signal_fence(memory_order_seq_cst);
        int saved = errno;
        unlink(cleanup_path);
        errno = saved;
    }
}

static void remove_then_die(int signo) {
    sessions_cleanup_now();
    sessions_die_of_signal(signo);
}

int sessions_cleanup_arm(const char *path) {
    size_t length = strlen(path);
    if (length >= sizeof cleanup_path) return -1;
    cleanup_armed = 0;
    atomic_signal_fence(memory_order_seq_cst);
    memcpy(cleanup_path, path, length + 1);
    atomic_signal_fence(memory_order_seq_cst);
    cleanup_armed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_then_die;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < POLITE_COUNT; i++) {
        polite_installed[i] = 0;
        struct sigaction current;
        if (sigaction(polite_signals[i], NULL, &current) != 0) continue;
        // A signal the caller chose to ignore (nohup, a background job) stays ignored.
        if (current.sa_handler == SIG_IGN) continue;
        if (sigaction(polite_signals[i], &action, &previous_polite[i]) == 0) polite_installed[i] = 1;
    }
    return 0;
}

void sessions_cleanup_disarm(void) {
    cleanup_armed = 0;
    for (unsigned i = 0; i < POLITE_COUNT; i++) {
        if (polite_installed[i]) sigaction(polite_signals[i], &previous_polite[i], NULL);
        polite_installed[i] = 0;
    }
}

// The last resort: a fault the process cannot recover from, which under a
// memory limit means an allocation failed. The runtime's own report needs
// memory to format, and crashes in it; this handler only writes a line
// prepared in advance, on a stack of its own, and exits.
static char last_resort_line[1024];
static size_t last_resort_length = 0;
static char last_resort_stack[64 * 1024] __attribute__((aligned(16)));
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
#define FAULT_COUNT (sizeof fault_signals / sizeof fault_signals[0])

static void last_resort(int signo) {
    (void)signo;
    sessions_cleanup_now();
    size_t written = 0;
    while (written < last_resort_length) {
        ssize_t got = write(2, last_resort_line + written, last_resort_length - written);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        written += (size_t)got;
    }
    _exit(2);
}

int sessions_last_resort_install(const char *line) {
    size_t length = strlen(line);
    if (length >= sizeof last_resort_line) length = sizeof last_resort_line - 1;
    memcpy(last_resort_line, line, length);
    last_resort_length = length;
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = last_resort_stack;
    stack.ss_size = sizeof last_resort_stack;
    if (sigaltstack(&stack, NULL) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = last_resort;
    sigfillset(&action.sa_mask);
    action.sa_flags = SA_ONSTACK;
    for (unsigned i = 0; i < FAULT_COUNT; i++) {
        if (sigaction(fault_signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}
