#define _GNU_SOURCE
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>
#include "CSupport.h"

int sessions_syncfs(int fd) {
    return syncfs(fd);
}

long sessions_memmem(const void *haystack, unsigned long haystack_length,
                     const void *needle, unsigned long needle_length) {
    const char *found = memmem(haystack, haystack_length, needle, needle_length);
    return found ? (long)(found - (const char *)haystack) : -1;
}

static locale_t utf8_locale_value = (locale_t)0;
static pthread_once_t utf8_locale_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void) {
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (loc == (locale_t)0) {
        loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    }
    utf8_locale_value = loc;
}

int sessions_wcwidth_utf8(unsigned int codepoint) {
    pthread_once(&utf8_locale_once, utf8_locale_init);
    if (utf8_locale_value == (locale_t)0) {
        return -2;
    }
    locale_t previous = uselocale(utf8_locale_value);
    int width = wcwidth((wchar_t)codepoint);
    uselocale(previous);
    return width;
}

int sessions_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) {
        return 0;
    }
    return size.ws_col;
}
