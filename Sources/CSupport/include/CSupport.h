#ifndef SESSIONS_CSUPPORT_H
#define SESSIONS_CSUPPORT_H

#include <wchar.h>

/// Flushes every dirty page of the filesystem that holds `fd`.
/// Bulk writers use it once instead of one fsync per file.
int sessions_syncfs(int fd);

/// Terminal cell width of one code point under a UTF-8 locale, independent of
/// the process locale so that layout is the same in every environment.
/// Returns -1 for non-printable code points, like wcwidth(3), and -2 when no
/// UTF-8 locale exists on this system.
int sessions_wcwidth_utf8(unsigned int codepoint);

/// Columns of the terminal on `fd`, or 0 when it is not a terminal.
int sessions_terminal_columns(int fd);

/// Routes SIGINT, SIGTERM and SIGHUP into a non-blocking pipe and returns
/// its read end, so a run loop can restore the terminal before exiting.
int sessions_signal_pipe_install(void);
/// The next signal number waiting in the pipe, or 0.
int sessions_signal_pipe_read(void);
/// Restores the default action for `signo` and raises it, so the parent sees
/// the process die of that signal. Does not return.
void sessions_die_of_signal(int signo) __attribute__((noreturn));

/// On SEGV, BUS, ILL, TRAP, ABRT or FPE: calls `restore` once, then hands the
/// signal to whatever handled it before.
int sessions_crash_handlers_install(void (*restore)(void));
void sessions_crash_handlers_remove(void);

/// Removes `path` if SIGINT, SIGTERM or SIGHUP arrives (or a fault stops the
/// process) before `sessions_cleanup_disarm`; then the process dies of that
/// signal. Signals the caller ignores stay ignored. -1 if the path is too long.
int sessions_cleanup_arm(const char *path);
void sessions_cleanup_disarm(void);
/// Removes the armed path now, if any; async-signal-safe.
void sessions_cleanup_now(void);

/// On SEGV, BUS, ILL, TRAP, ABRT or FPE: writes `line` to stderr, on a stack
/// of its own and without allocating, and exits with status 2. Replaces the
/// runtime's crash reporter, which needs memory to run.
int sessions_last_resort_install(const char *line);

/// An inotify descriptor watching `path` for files written, created, renamed
/// or removed; -1 when inotify is unavailable.
int sessions_watch_directory(const char *path);
/// Reads every pending event; returns how many reads found some.
int sessions_watch_drain(int fd);

/// Offset of the first occurrence of `needle` in `haystack`, or -1. glibc's
/// memmem is a GNU extension that Swift's Glibc module does not export.
long sessions_memmem(const void *haystack, unsigned long haystack_length,
                     const void *needle, unsigned long needle_length);

/// Starts `path` with `argv` and this process's environment, in `directory`
/// (NULL: this one), with SIGPIPE at its default action: this program ignores
/// it, and a child, with anything its command line pipes into, must not.
/// Returns 0 and sets `pid`, or an errno value.
int sessions_spawn(const char *path, char *const argv[], const char *directory, int *pid);

/// Where in a needle its two rarest bytes are, which the scan compares first:
/// found once for a needle that is looked for many times.
typedef struct {
    unsigned long first, second;
} sessions_anchors;

/// The anchors of `needle` (folded when `ignore_case`). Both are 0 for an empty one.
sessions_anchors sessions_needle_anchors(const unsigned char *needle, unsigned long count, int ignore_case);

/// The first offset of `needle` in `bytes`, -1 when there is none. With `ignore_case`,
/// ASCII letters of `bytes` are folded to lower case before comparing, and `needle`
/// is already folded. `anchors` are `sessions_needle_anchors` of the needle. Uses
/// the widest vector instructions the processor has.
long sessions_find_folded(const unsigned char *bytes, unsigned long length,
                          const unsigned char *needle, unsigned long count, int ignore_case, sessions_anchors anchors);

/// The first offset in `bytes` at which `a` or `b` starts, -1 when neither does,
/// found in one pass; `*which` gets bit 1 when `a` starts there and bit 2 when `b`
/// does. Each needle is folded as `sessions_find_folded` folds it.
long sessions_find_either(const unsigned char *bytes, unsigned long length,
                          const unsigned char *a, unsigned long a_count, int a_ignore_case, sessions_anchors a_anchors,
                          const unsigned char *b, unsigned long b_count, int b_ignore_case, sessions_anchors b_anchors,
                          int *which);

#endif
