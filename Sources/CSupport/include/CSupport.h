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

#endif
