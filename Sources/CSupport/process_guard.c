#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "CSupport.h"

// The last resort: a fault the process cannot recover from, which under a
// memory limit means an allocation failed. The runtime's own report needs
// memory to format, and crashes in it; this handler only writes a line
// prepared in advance, with async-signal-safe calls (write, _exit), on a
// stack of its own, and exits.
static char last_resort_line[1024];
static size_t last_resort_length = 0;
static char last_resort_stack[64 * 1024] __attribute__((aligned(16)));
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
#define FAULT_COUNT (sizeof fault_signals / sizeof fault_signals[0])

static void last_resort(int signo) {
    (void)signo;
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
